import VigilCore
import VigilHTTP
import VigilNotify
import VigilStatus

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
    /// The dead man's switch, when configured.
    public var heartbeat: HeartbeatSettings?
    /// This agent's cluster on etcd (`cluster:`); nil: it runs alone.
    public var cluster: ClusterConfig?
    /// The organisation's name, as public messages and the public page say it.
    public var organization = ""

    /// What public channels say of the organisation and each service.
    public var publicWording: PublicWording {
        PublicWording(
            organization: organization,
            services: Dictionary(
                uniqueKeysWithValues: services.map { service in
                    (
                        service.core.name,
                        PublicWording.Service(
                            displayName: service.displayName ?? service.core.name, updateInterval: service.core.runbook.reminderInterval)
                    )
                }))
    }

    /// What the public status page calls the organisation and the services.
    public var publicNaming: PublicStatusDocument.Naming {
        PublicStatusDocument.Naming(
            organization: organization,
            displayNames: Dictionary(uniqueKeysWithValues: services.compactMap { service in service.displayName.map { (service.core.name, $0) } }),
            updateIntervals: Dictionary(
                uniqueKeysWithValues: services.compactMap { service in service.core.runbook.reminderInterval.map { (service.core.name, $0) } }))
    }

    /// The public status page's listener (`status.public_listen`), off unless given.
    public var statusPublicListen: (host: String, port: Int)?

    /// Planned-maintenance windows from the config (`maintenance:`); more are added at run time.
    public var maintenance: [MaintenanceWindow] = []

    /// The config's windows and those added at run time in the state folder.
    public var maintenanceBook: MaintenanceBook {
        MaintenanceBook(configured: maintenance, stateDirectory: stateDirectory, serviceNames: services.map(\.core.name))
    }

    public struct SSHDefaults: Sendable, Equatable {
        public var user: String = "root"
        public var identityFile: String = "/etc/vigil/id_ed25519"
        public var knownHosts: String = "/etc/vigil/known_hosts"
        public var connectTimeout: Duration = .seconds(5)
        public var commandTimeout: Duration = .seconds(30)
        /// How often each SSH host a failover needs is checked while idle; nil: never.
        public var hostCheckInterval: Duration? = .seconds(60)
    }
}
