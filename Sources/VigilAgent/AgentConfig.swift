import VigilCore
import VigilHTTP

/// Everything `vigil.yaml` says, checked. See `deploy/vigil.example.yaml` for every key.
public struct AgentConfig: Sendable {
    public var file: String
    public var stateDirectory: String
    public var ssh: SSHDefaults
    public var channels: [NotificationChannel]
    public var services: [ServiceDefinition]
    /// The operator commands' Unix socket, mode 0660, owned by root and `controlGroup`.
    public var controlSocket: String = "/run/vigil/vigil.sock"
    public var controlGroup: String?
    /// How long SIGTERM waits for a runbook in flight to finish (or roll back) before stopping.
    public var shutdownGrace: Duration = .seconds(60)
    /// The read-only HTTP listener (status page, `/status.json`, `/metrics`, `/healthz`); nil is off.
    public var statusListen: (host: String, port: Int)? = ("127.0.0.1", 9480)
    /// Where people read the status page; messages link to it.
    public var statusPublicURL: String?
    /// How often each upstream file is compared with what Vigil last wrote.
    public var driftCheckInterval: Duration = .seconds(300)

    public struct SSHDefaults: Sendable, Equatable {
        public var user: String = "root"
        public var identityFile: String = "/etc/vigil/id_ed25519"
        public var knownHosts: String = "/etc/vigil/known_hosts"
        public var connectTimeout: Duration = .seconds(5)
        public var commandTimeout: Duration = .seconds(30)
    }
}

/// Where a command runs or a file lives.
public enum HostReference: Sendable, Equatable {
    case local
    case ssh(host: String, port: Int)
}

public struct BackendDefinition: Sendable {
    /// `host:port` as the upstream names it.
    public var address: String
    public var host: HostReference?
    public var start: String?
    public var stop: String?
    public var probes: [HealthProbe]
}

public struct LoadBalancerDefinition: Sendable {
    public var name: String
    public var host: HostReference
    public var upstreamFile: String
    public var upstreamName: String
    public var testCommand: String
    public var reloadCommand: String
    public var verifyURL: String?
    public var template: String?
}

public struct ServiceDefinition: Sendable {
    public var core: ServiceConfig
    public var primary: BackendDefinition
    public var standby: BackendDefinition
    public var loadBalancers: [LoadBalancerDefinition]
    public var preHook: String?
    public var postHook: String?
    public var hookHost: HostReference
    public var notify: [String]

    public func backend(_ backend: Backend) -> BackendDefinition {
        switch backend {
        case .primary: primary
        case .standby: standby
        }
    }
}
