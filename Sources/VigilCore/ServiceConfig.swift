/// One service as the core sees it. Defaults are safe and match `deploy/vigil.example.yaml`.
public struct ServiceConfig: Equatable, Hashable, Sendable, Codable {
    /// The service's name, unique in the config.
    public var name: String
    /// What Vigil may do with the primary.
    public var primary: BackendSettings
    /// What Vigil may do with the standby.
    public var standby: BackendSettings
    /// Cold (started by the runbook) or warm (running, listed as nginx `backup`).
    public var standbyMode: StandbyMode
    /// The load balancers' names, switched in this order.
    public var loadBalancers: [String]
    /// Checks, hysteresis and their intervals.
    public var detection: DetectionSettings
    /// Step deadlines, hooks, fencing, retries and reminders.
    public var runbook: RunbookSettings
    /// Whether and when traffic returns to the primary.
    public var failback: FailbackPolicy
    /// Cooldown and flap budget.
    public var antiFlap: AntiFlapSettings
    /// The SSH hosts a failover needs (load balancers, a standby with commands), by the names
    /// the host checks report; empty when every host is local.
    public var hosts: [String] = []
    /// How often those hosts are checked while idle; nil: never.
    public var hostCheckInterval: Duration? = .seconds(60)
    /// How often a preflight checks what a failover needs (at start, then at this interval); nil: never.
    public var preflightInterval: Duration? = .seconds(3_600)
    /// Who else hears of an incident nobody acknowledged, and when (`escalate:`), in order of `after`.
    public var escalation: [EscalationStep] = []
    /// This agent's part in a cluster (`cluster:`); nil when it runs alone.
    public var cluster: ClusterSettings?

    /// The default standby is cold and not checked while the primary serves: a stopped service
    /// would only raise warnings. Name a cheap check to watch it.
    public init(
        name: String, primary: BackendSettings = BackendSettings(),
        standby: BackendSettings = BackendSettings(canStart: true, canStop: true, watchedWhileIdle: false),
        standbyMode: StandbyMode = .cold, loadBalancers: [String],
        detection: DetectionSettings = DetectionSettings(), runbook: RunbookSettings = RunbookSettings(),
        failback: FailbackPolicy = .default, antiFlap: AntiFlapSettings = AntiFlapSettings()
    ) {
        self.name = name
        self.primary = primary
        self.standby = standby
        self.standbyMode = standbyMode
        self.loadBalancers = loadBalancers
        self.detection = detection
        self.runbook = runbook
        self.failback = failback
        self.antiFlap = antiFlap
    }

    /// The settings of one backend.
    public func settings(of backend: Backend) -> BackendSettings {
        switch backend {
        case .primary: primary
        case .standby: standby
        }
    }
}
