import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// The agent's read-only HTTP listeners. The operators' (loopback by default): `/` the status
/// page, `/status.json`, `/metrics` for Prometheus, `/healthz` for whoever watches the watchdog.
/// The public one (`status.public_listen`, off by default): `/` and `/status.json` from the public
/// document only, with headers fit for a reverse proxy on the internet. Both answer GET and HEAD
/// only; actions stay on the private control socket.
public struct StatusServer: Sendable {
    /// Who a listener is for.
    public enum Audience: String, Sendable {
        case operators
        case `public`
    }

    /// The public listener's headers: cacheable briefly by a proxy, nothing but its own inline
    /// style allowed to load or run, never framed, no referrer, no type sniffing.
    static let publicHeaders: [(HTTPField.Name, String)] = [
        (.cacheControl, "public, max-age=10, must-revalidate"),
        (
            .contentSecurityPolicy,
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        ),
        (.xContentTypeOptions, "nosniff"),
        (HTTPField.Name("Referrer-Policy")!, "no-referrer"),
        (HTTPField.Name("X-Frame-Options")!, "DENY"),
    ]

    /// Connections served at once.
    public static let maximumConnections = 64
    /// A connection with no request in flight for this long is closed (slow or idle clients).
    public static let idleTimeout = Duration.seconds(10)

    let host: String
    let port: Int
    let board: StatusBoard
    let audience: Audience
    let logger: Logger

    public init(host: String, port: Int, board: StatusBoard, audience: Audience = .operators, logger: Logger) {
        self.host = host
        self.port = port
        self.board = board
        self.audience = audience
        self.logger = logger
    }

    public func run() async throws {
        let router = Router(context: BasicRequestContext.self, options: .autoGenerateHeadEndpoints)
        switch audience {
        case .operators: route(router)
        case .public: routePublic(router)
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
            onServerRunning: { [logger, audience] channel in
                // The port actually bound: `listen: 127.0.0.1:0` takes a free one.
                let bound = channel.localAddress?.port ?? port
                let which = audience == .public ? "public status page" : "status page"
                logger.notice("\(which) on http://\(host.contains(":") ? "[\(host)]" : host):\(bound)/")
            },
            logger: logger)
        try await app.run()
    }

    private func routePublic(_ router: Router<BasicRequestContext>) {
        router.get("/") { _, _ in
            try await answer("text/html; charset=utf-8", headers: Self.publicHeaders) { PublicStatusPage.render(await $0.publicDocument()) }
        }
        router.get("/status.json") { _, _ in
            try await answer("application/json", headers: Self.publicHeaders) { await $0.publicDocument().json() + "\n" }
        }
    }

    private func route(_ router: Router<BasicRequestContext>) {
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
    }

    /// 503 while no agent runs (between a SIGHUP's stop and start).
    private func answer(
        _ contentType: String, headers extra: [(HTTPField.Name, String)] = [(.cacheControl, "no-store")],
        _ make: (any StatusProvider) async -> String
    ) async throws -> Response {
        guard let source = board.source else {
            return Response(
                status: .serviceUnavailable, headers: [.contentType: "text/plain"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "the agent is restarting\n")))
        }
        let text = await make(source)
        var headers: HTTPFields = [.contentType: contentType]
        for (name, value) in extra { headers[name] = value }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
