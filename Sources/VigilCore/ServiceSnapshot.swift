/// Everything about a service that must survive a restart, written ahead of each external step.
public struct ServiceSnapshot: Equatable, Hashable, Sendable, Codable {
    public static let currentVersion = 1

    public var version = ServiceSnapshot.currentVersion
    public var phase: Phase
    /// What each load balancer's upstream file names, as Vigil last made it (nil: unknown, after
    /// a failed rollback).
    public var upstreams: [UpstreamLayout?]
    public var health: [Backend: BackendHealth] = [.primary: BackendHealth(), .standby: BackendHealth()]
    public var probes: [Backend: ProbeLoop] = [.primary: .idle, .standby: .idle]
    public var runbook: Runbook?
    public var incident: Incident?
    public var lastIncident: Incident?
    /// When automatic runbooks started, for the flap budget.
    public var automaticStarts: [Instant] = []
    public var cooldownUntil: Instant?
    public var standbyWarningRaised = false
    public var failbackAvailableSaid = false
    public var pause: PauseState?
    public var incidentCount = 0
    public var timers = Timers()

    /// The generations of the timers that are current; a firing of any other is ignored.
    public struct Timers: Equatable, Hashable, Sendable, Codable {
        public var next = 1
        public var stepDeadline: Int?
        public var retry: Int?
        public var reminder: Int?
        public var pauseEnds: Int?
    }

    public init(phase: Phase, upstreams: [UpstreamLayout?]) {
        self.phase = phase
        self.upstreams = upstreams
    }

    /// The side the load balancers serve, when they agree.
    public var activeSide: Backend? {
        let actives = Set(upstreams.map { $0?.active })
        guard actives.count == 1, let side = actives.first else { return nil }
        return side
    }

    /// The part whose change must be written to disk before the driver acts on it; health
    /// counters and timers change every second and are written along, not on their own.
    var durable: ServiceSnapshot {
        var copy = self
        copy.health = [:]
        copy.probes = [:]
        copy.timers = Timers()
        return copy
    }
}
