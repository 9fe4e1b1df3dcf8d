import NIOCore

/// A TCP peer on 127.0.0.1 that accepts connections, reads what it is sent and never says a
/// word: a hung server as a client sees it after connecting.
public final class LabSilentPeer: LabServer {
    private let listener = LabListener { channel in channel.eventLoop.makeSucceededVoidFuture() }

    private init() {}

    public static func start() async throws -> LabSilentPeer {
        let peer = LabSilentPeer()
        try await peer.listener.open(port: 0)
        return peer
    }

    public var port: Int { listener.port }
    public var connectionsAccepted: Int { listener.connectionsAccepted }

    public func stop() async { await listener.close(releasingPort: true) }
}
