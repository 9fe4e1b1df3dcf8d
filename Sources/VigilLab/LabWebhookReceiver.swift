import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A webhook receiver on loopback that records every request and answers as scripted:
/// each queued reply once, in order, then the default.
public final class LabWebhookReceiver: Sendable {
    private struct State {
        var requests: [RecordedRequest] = []
        var queued: [WebhookReply] = []
        var fallback: WebhookReply = .ok
    }

    private let state = Mutex(State())
    private let listener: LabListener

    private init(listener: LabListener) { self.listener = listener }

    public static func start() async throws -> LabWebhookReceiver {
        let box = ReceiverBox()
        let listener = LabListener { channel in
            channel.eventLoop.makeCompletedFuture {
                guard let receiver = box.receiver else { throw ChannelError.ioOnClosedChannel }
                try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                try channel.pipeline.syncOperations.addHandler(LabWebhookHandler(receiver: receiver))
            }
        }
        let receiver = LabWebhookReceiver(listener: listener)
        box.receiver = receiver
        try await listener.open(port: 0)
        return receiver
    }

    public var port: Int { listener.port }
    /// The URL to post to; `path` lets a test use a unique, secret-looking one.
    public func url(path: String = "/hook") -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Replies given once each, in order, before the default applies again.
    public func enqueue(_ replies: WebhookReply...) { state.withLock { $0.queued.append(contentsOf: replies) } }
    public func setDefault(_ reply: WebhookReply) { state.withLock { $0.fallback = reply } }

    public var requests: [RecordedRequest] { state.withLock { $0.requests } }

    /// Waits until at least `count` requests have arrived and returns all of them.
    public func waitForRequests(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [RecordedRequest] {
        try await LabWait.until("\(count) webhook request(s)", timeout: timeout) { requests.count >= count }
        return requests
    }

    public func stop() async { await listener.close(releasingPort: true) }

    func record(method: String, path: String, headers: HTTPHeaders, body: [UInt8]) -> WebhookReply {
        state.withLock { state in
            let reply = state.queued.isEmpty ? state.fallback : state.queued.removeFirst()
            var headerMap: [String: String] = [:]
            for (name, value) in headers { headerMap[name.lowercased()] = value }
            state.requests.append(
                RecordedRequest(
                    method: method, path: path, headers: headerMap, body: body,
                    receivedAt: ContinuousClock.now, reply: reply))
            return reply
        }
    }
}

private final class ReceiverBox: @unchecked Sendable {
    var receiver: LabWebhookReceiver?
}

/// Reads one request at a time, records it, and answers as the receiver says.
final class LabWebhookHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let receiver: LabWebhookReceiver
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(receiver: LabWebhookReceiver) { self.receiver = receiver }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(let buffer):
            body.append(contentsOf: buffer.readableBytesView)
        case .end:
            guard let head else { return }
            let reply = receiver.record(method: head.method.rawValue, path: head.uri, headers: head.headers, body: body)
            var response: HTTPResponseHead
            switch reply {
            case .hang:
                return
            case .status(let code):
                response = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: code))
            case .tooManyRequests(let seconds):
                response = HTTPResponseHead(version: .http1_1, status: .tooManyRequests)
                response.headers.add(name: "Retry-After", value: String(seconds))
            }
            let text = "{\"ok\":\(reply == .ok)}\n"
            response.headers.add(name: "Content-Type", value: "application/json")
            response.headers.add(name: "Content-Length", value: String(text.utf8.count))
            context.write(wrapOutboundOut(.head(response)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
