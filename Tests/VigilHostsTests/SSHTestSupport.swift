import Testing
import VigilHosts
import VigilLab

extension LabSSHServer {
    /// A target for this server, with the lab's own key and known_hosts unless a test says otherwise.
    func target(
        identity: String? = nil, passphrase: String? = nil, knownHosts: String? = nil,
        trustOnFirstUse: Bool = false, operationTimeout: Duration = .seconds(10)
    ) -> SSHTarget {
        SSHTarget(
            host: "127.0.0.1", port: port, user: user, identityFile: identity ?? clientKey, passphrase: passphrase,
            knownHostsFile: knownHosts ?? self.knownHosts, trustOnFirstUse: trustOnFirstUse,
            connectTimeout: .seconds(3), operationTimeout: operationTimeout)
    }
}

/// Runs `body` with a fresh sshd and a connection to it; both are torn down afterwards.
func withSSH<T>(files: FileTransfer = .sftp, _ body: (LabSSHServer, SSHConnection) async throws -> T) async throws -> T {
    try await withLabServer({ try await LabSSHServer.start(sftp: files == .sftp) }) { server in
        let connection = SSHConnection(target: server.target())
        do {
            let result = try await body(server, connection)
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }
}

/// The `RemoteError` that `body` threw, or nil when it threw nothing (or something else, recorded).
func remoteError(_ body: () async throws -> Void) async -> RemoteError? {
    do {
        try await body()
        return nil
    } catch let error as RemoteError {
        return error
    } catch {
        Issue.record("expected a RemoteError, got \(error)")
        return nil
    }
}
