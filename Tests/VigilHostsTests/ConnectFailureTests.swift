import Testing
import VigilCore
import VigilHosts
import VigilLab

/// Peers that are not there, never answer, or do not speak SSH: a clear error, quickly.
@Suite final class ConnectFailureTests {
    private let folder: LabFolder

    init() async throws {
        // Any key file will do: these fail before authentication.
        folder = try LabFolder(prefix: "ssh-client")
        try await LabProcess.run(LabSSHServer.keygen, ["-q", "-t", "ed25519", "-N", "", "-f", folder.file("key")])
    }

    private func target(port: Int, operationTimeout: Duration = .seconds(1)) throws -> SSHTarget {
        return SSHTarget(
            host: "127.0.0.1", port: port, user: "root", identityFile: folder.file("key"),
            knownHostsFile: folder.file("known_hosts"), connectTimeout: .milliseconds(700),
            operationTimeout: operationTimeout)
    }

    deinit { folder.remove() }

    private func timedError(_ target: SSHTarget) async -> (RemoteError?, Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        let error = await remoteError { try await SSHConnection(target: target).connect() }
        return (error, start.duration(to: clock.now))
    }

    @Test func aClosedPortIsRefused() async throws {
        let closed = try LabClosedPort()
        defer { closed.stop() }
        let (error, _) = await timedError(try target(port: closed.port))
        #expect(error?.kind == .connectionRefused)
        #expect(error?.host.hasPrefix("root@127.0.0.1:") == true)
    }

    @Test func aConnectThatNeverCompletesTimesOut() async throws {
        try await withLabServer({ try LabBlackhole() }) { blackhole in
            let (error, elapsed) = await timedError(try target(port: blackhole.port))
            #expect(error?.kind == .connectTimeout)
            #expect(elapsed < .milliseconds(700) + .seconds(2))
        }
    }

    @Test func aPeerThatSpeaksGarbageFailsTheHandshake() async throws {
        try await withLabServer({ try await LabHTTPBackend.start(name: "not-ssh", mode: .garbage) }) { backend in
            let (error, elapsed) = await timedError(try target(port: backend.port, operationTimeout: .seconds(5)))
            #expect(error?.kind == .handshakeFailed)
            #expect(elapsed < .seconds(5))
        }
    }

    @Test func anHTTPServerIsNotMistakenForSSH() async throws {
        try await withLabServer({ try await LabHTTPBackend.start(name: "web") }) { backend in
            let (error, _) = await timedError(try target(port: backend.port, operationTimeout: .seconds(5)))
            #expect(error?.kind == .handshakeFailed)
        }
    }

    @Test func aSilentPeerTimesOutAtTheOperationDeadline() async throws {
        try await withLabServer({ try await LabSilentPeer.start() }) { peer in
            let (error, elapsed) = await timedError(try target(port: peer.port, operationTimeout: .seconds(1)))
            #expect(error?.kind == .timeout)
            #expect(elapsed >= .milliseconds(900))
            #expect(elapsed < .seconds(1) + .seconds(5), "a generous margin: the suite loads the machine")
        }
    }
}
