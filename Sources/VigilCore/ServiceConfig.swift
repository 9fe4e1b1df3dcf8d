/// One service as the core sees it. Defaults are safe and match `deploy/vigil.example.yaml`.
public struct ServiceConfig: Equatable, Hashable, Sendable, Codable {
    public var name: String
    public var primary: BackendSettings
    public var standby: BackendSettings
    public var standbyMode: StandbyMode
    /// The load balancers' names, switched in this order.
    public var loadBalancers: [String]
    public var detection: DetectionSettings
    public var runbook: RunbookSettings
    public var failback: FailbackPolicy
    public var antiFlap: AntiFlapSettings

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

    public func settings(of backend: Backend) -> BackendSettings {
        switch backend {
        case .primary: primary
        case .standby: standby
        }
    }
}
