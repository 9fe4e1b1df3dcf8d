import VigilCore
import VigilHosts

/// `vigil config check --connect`: logs in to every SSH host the config names, once, checking its
/// host key against known_hosts. With `trustNewHostKeys`, an unknown host's key is shown and
/// added; a mismatched key is never trusted.
public enum HostConnectCheck {
    public static func run(_ config: AgentConfig, trustNewHostKeys: Bool, line: (String) -> Void) async -> Bool {
        var seen = Set<String>()
        var hosts: [(host: String, port: Int)] = []
        for service in config.services {
            let references = [service.primary.host, service.standby.host, service.hookHost] + service.loadBalancers.map(\.host)
            for case .ssh(let host, let port)? in references where seen.insert("\(host):\(port)").inserted {
                hosts.append((host, port))
            }
        }
        if hosts.isEmpty { line("no SSH hosts in the config: every host is local") }
        var allOK = true
        for (host, port) in hosts {
            allOK = await check(host: host, port: port, ssh: config.ssh, trust: trustNewHostKeys, line: line) && allOK
        }
        return allOK
    }

    private static func check(host: String, port: Int, ssh: AgentConfig.SSHDefaults, trust: Bool, line: (String) -> Void) async -> Bool {
        var target = ssh.target(host: host, port: port)
        let name = target.peer
        switch await login(target) {
        case .success(let files):
            line("ok    \(name): host key matches \(ssh.knownHosts); login and a command work; \(files)")
            return true
        case .failure(let error) where error.kind == .hostKeyUnknown && trust:
            line("new   \(name): \(error.message)")
            target.trustOnFirstUse = true
            switch await login(target) {
            case .success(let files):
                line("added \(name): its key is now in \(ssh.knownHosts); login and a command work; \(files)")
                return true
            case .failure(let again):
                line("FAIL  \(name): \(again.message)")
                return false
            }
        case .failure(let error):
            line("FAIL  \(name): \(error.message)")
            return false
        }
    }

    /// Why a fresh login to `host:port` fails now (host key, key, command), or nil when it works.
    static func loginProblem(host: String, port: Int, ssh: AgentConfig.SSHDefaults) async -> String? {
        if case .failure(let error) = await login(ssh.target(host: host, port: port)) { return error.message }
        return nil
    }

    /// How files reach the host, once the login and a trivial command worked.
    private static func login(_ target: SSHTarget) async -> Result<FileTransfer, RemoteError> {
        let connection = SSHConnection(target: target)
        let outcome: Result<FileTransfer, RemoteError>
        do {
            let result = try await connection.run("true", timeout: target.operationTimeout)
            if result.succeeded {
                outcome = .success(try await connection.fileTransfer())
            } else {
                outcome = .failure(
                    RemoteError(.protocolError, host: target.peer, "`true` exited with \(result.exitStatus.map(String.init) ?? "a signal")"))
            }
        } catch {
            outcome = .failure(error)
        }
        await connection.close()
        return outcome
    }
}
