/// One request on the control socket: a JSON line from the CLI.
public struct ControlRequest: Codable, Sendable, Equatable {
    public var version = ControlProtocol.version
    public var command: ControlCommand
    public var service: String?
    public var all: Bool = false
    public var dryRun: Bool = false
    public var skipGate: Bool = false
    public var reason: String = ""
    public var pauseSeconds: Double?
    /// A drill's hold.
    public var holdSeconds: Double?
    /// A drill may run while the service is paused.
    public var whilePaused: Bool = false
    /// A preflight also posts its result to the service's channels.
    public var notify: Bool = false
    /// `status` as the JSON document (`StatusDocument`) instead of lines.
    public var json: Bool = false
    /// What a `maintenance` request asks.
    public var maintenance: MaintenanceRequest?
    /// In a cluster: act under this host's lock only, without proving leadership (the day etcd
    /// itself is the disaster). Loud and recorded.
    public var withoutCluster: Bool?

    public init(
        command: ControlCommand, service: String? = nil, all: Bool = false, dryRun: Bool = false, skipGate: Bool = false,
        reason: String = "", pauseSeconds: Double? = nil, holdSeconds: Double? = nil, whilePaused: Bool = false, json: Bool = false
    ) {
        self.holdSeconds = holdSeconds
        self.whilePaused = whilePaused
        self.json = json
        self.command = command
        self.service = service
        self.all = all
        self.dryRun = dryRun
        self.skipGate = skipGate
        self.reason = reason
        self.pauseSeconds = pauseSeconds
    }

    /// Whether it changes a service (a runbook, a pause, an acknowledgement, a maintenance window):
    /// in a cluster only the leader carries it out. Status, preflight, listing and dry runs do not.
    var changesAService: Bool {
        guard !dryRun else { return false }
        switch command {
        case .failover, .failback, .pause, .resume, .rearm, .ack, .retry, .drill: return true
        case .maintenance: return maintenance.map { $0.action != .list } ?? false
        case .status, .preflight: return false
        }
    }

    /// Just the version of a request line, read before the rest so that a request of another
    /// version is answered with what is wrong, not with "not a request".
    struct VersionOnly: Decodable {
        var version: Int?
    }
}
