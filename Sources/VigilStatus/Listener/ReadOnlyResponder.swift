import Hummingbird
import NIOCore

/// Refuses every method but GET and HEAD with 405, before any route is looked at.
struct ReadOnlyResponder<Inner: HTTPResponder>: HTTPResponder {
    let inner: Inner

    func respond(to request: Request, context: Inner.Context) async throws -> Response {
        guard request.method == .get || request.method == .head else {
            return Response(
                status: .methodNotAllowed, headers: [.allow: "GET, HEAD", .contentType: "text/plain"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "read-only: GET or HEAD; commands go to the control socket\n")))
        }
        return try await inner.respond(to: request, context: context)
    }
}
