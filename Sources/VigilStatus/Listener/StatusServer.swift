import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// The agent's read-only HTTP listener (loopback by default): `/` the status page,
/// `/status.json`, `/metrics` for Prometheus, `/healthz` for whoever watches the watchdog.
/// It answers GET and HEAD only; actions stay on the private control socket.
public struct StatusServer: Sendable {
    /// Connections served at once.
    public static let maximumConnections = 64
    /// A connection with no request in flight for this long is closed (slow or idle clients).
    public static let idleTimeout = Duration.seconds(10)

    let host: String
    let port: Int
    let board: StatusBoard
    let logger: Logger

    public init(host: String, port: Int, board: StatusBoard, logger: Logger) {
        self.host = host
        self.port = port
        self.board = board
        self.logger = logger
    }

    public func run() async throws {
        let router = Router(context: BasicRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.get("/") { _, _ in
            try await answer("text/html; charset=utf-8") { StatusPage.render(await $0.document()) }
        }
        router.get("/status.json") { _, _ in
            try await answer("application/json") { await $0.document().json() + "\n" }
        }
        router.get("/metrics") { _, _ in
            try await answer(MetricsExposition.contentType) { await $0.metrics() }
        }
        router.get("/healthz") { _, _ in
            try await answer("text/plain; charset=utf-8") { await $0.responsive() ? "ok\n" : "unresponsive\n" }
        }
        // Bounded so that no client can take the descriptors the probes and SSH need: at most
        // `maximumConnections` at once (the rest wait in the kernel's backlog, costing the agent
        // nothing), and a connection idle for `idleTimeout` is closed.
        let app = Application(
            responder: ReadOnlyResponder(inner: router.buildResponder()),
            server: .http1(configuration: .init(idleTimeout: .seconds(Int64(Self.idleTimeout.components.seconds)))),
            configuration: ApplicationConfiguration(
                address: .hostname(host, port: port), serverName: "vigil",
                availableConnectionsDelegate: MaximumAvailableConnections(Self.maximumConnections, logger: logger)),
            onServerRunning: { [logger] channel in
                // The port actually bound: `listen: 127.0.0.1:0` takes a free one.
                let bound = channel.localAddress?.port ?? port
                logger.notice("status page on http://\(host.contains(":") ? "[\(host)]" : host):\(bound)/")
            },
            logger: logger)
        try await app.run()
    }

    /// 503 while no agent runs (between a SIGHUP's stop and start).
    private func answer(_ contentType: String, _ make: (any StatusProvider) async -> String) async throws -> Response {
        guard let source = board.source else {
            return Response(
                status: .serviceUnavailable, headers: [.contentType: "text/plain"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "the agent is restarting\n")))
        }
        let text = await make(source)
        return Response(
            status: .ok, headers: [.contentType: contentType, .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
