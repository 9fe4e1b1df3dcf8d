import NIOCore
import NIOPosix
import Synchronization

/// A TCP listener on 127.0.0.1 that remembers its open connections, so it can be closed the way a
/// dying process closes: listener and connections together.
final class LabListener: Sendable {
    private struct State {
        var server: Channel?
        var connections: [ObjectIdentifier: Channel] = [:]
        var accepted = 0
        var port = 0
        /// While closed, the port stays held so that a refused connect stays refused.
        var reservation: LabClosedPort?
    }

    private let state = Mutex(State())
    private let initializer: @Sendable (Channel) -> EventLoopFuture<Void>

    init(initializer: @escaping @Sendable (Channel) -> EventLoopFuture<Void>) {
        self.initializer = initializer
    }

    var port: Int { state.withLock { $0.port } }
    var connectionsAccepted: Int { state.withLock { $0.accepted } }
    var isOpen: Bool { state.withLock { $0.server != nil } }

    /// Binds (again) to `port`, or to a free port the first time when `port` is 0.
    func open(port requested: Int) async throws {
        try await openFuture(port: requested).get()
    }

    /// `open` as a future, for callers that run on an event loop (a timed reopening).
    func openFuture(port requested: Int) -> EventLoopFuture<Void> {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 1_024)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                let key = ObjectIdentifier(channel)
                state.withLock {
                    $0.accepted += 1
                    $0.connections[key] = channel
                }
                channel.closeFuture.whenComplete { [self] _ in
                    _ = state.withLock { $0.connections.removeValue(forKey: key) }
                }
                return initializer(channel)
            }
        state.withLock { $0.reservation?.stop() }
        return bootstrap.bind(host: "127.0.0.1", port: requested).map { [self] server in
            state.withLock {
                $0.server = server
                $0.reservation = nil
                $0.port = server.localAddress?.port ?? requested
            }
        }
    }

    /// Takes a free port without listening on it: connects are refused until `open(port:)`.
    func reserve() throws {
        let held = try LabClosedPort()
        state.withLock {
            $0.reservation = held
            $0.port = held.port
        }
    }

    /// Closes the listener and every open connection; the port stays held unless `releasingPort`.
    func close(releasingPort: Bool = false) async {
        // The listener first, so that no connection is accepted after the open ones are closed.
        let server = state.withLock { state in
            defer { state.server = nil }
            return state.server
        }
        try? await server?.close()
        let connections = state.withLock { state in
            defer { state.connections.removeAll() }
            return Array(state.connections.values)
        }
        for connection in connections { try? await connection.close() }
        let held = releasingPort ? nil : try? LabClosedPort(port: port)
        state.withLock {
            $0.reservation?.stop()
            $0.reservation = held
        }
    }
}
