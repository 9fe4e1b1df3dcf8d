import Synchronization
import VigilHosts

/// One `Host` per host the config names, shared by every service, so one SSH session
/// serves all the commands for a host.
public final class HostPool: Sendable {
    let ssh: AgentConfig.SSHDefaults
    private let connections = Mutex<[String: SSHConnection]>([:])

    public init(ssh: AgentConfig.SSHDefaults) { self.ssh = ssh }

    public func host(_ reference: HostReference) -> any Host {
        switch reference {
        case .local:
            return LocalHost()
        case .ssh(let host, let port):
            return connections.withLock { connections in
                let key = "\(host):\(port)"
                if let existing = connections[key] { return existing }
                let connection = SSHConnection(target: ssh.target(host: host, port: port))
                connections[key] = connection
                return connection
            }
        }
    }

    /// How files last travelled to an SSH host (nil for a local host, or before any file did).
    public func knownFileTransfer(_ reference: HostReference) -> FileTransfer? {
        guard case .ssh(let host, let port) = reference else { return nil }
        return connections.withLock { $0["\(host):\(port)"]?.knownFileTransfer }
    }

    public func closeAll() async {
        for connection in connections.withLock({ Array($0.values) }) { await connection.close() }
    }
}
