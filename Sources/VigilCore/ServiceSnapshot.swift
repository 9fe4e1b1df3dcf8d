/// Everything about a service that must survive a restart, written ahead of each external step.
public struct ServiceSnapshot: Equatable, Hashable, Sendable, Codable {
    /// The version this build writes and reads; older ones are migrated on load or refused by name.
    public static let currentVersion = 2

    /// The format version of this snapshot.
    public var version = ServiceSnapshot.currentVersion
    /// Where the service is.
    public var phase: Phase
    /// What each load balancer's upstream file names, as Vigil last made it (nil: unknown, after
    /// a failed rollback).
    public var upstreams: [UpstreamLayout?]
    /// Each backend's hysteresis counters (written along, not on their own).
    public var health: [Backend: BackendHealth] = [.primary: BackendHealth(), .standby: BackendHealth()]
    /// Whether each backend's probe loop is idle, in flight or waiting for its timer.
    public var probes: [Backend: ProbeLoop] = [.primary: .idle, .standby: .idle]
    /// The runbook in flight or stuck, if any.
    public var runbook: Runbook?
    /// The open incident, if any.
    public var incident: Incident?
    /// The incident that ended last, for status and metrics.
    public var lastIncident: Incident?
    /// When automatic runbooks started, for the flap budget.
    public var automaticStarts: [Instant] = []
    /// No automatic runbook away from a healthy side starts before this instant.
    public var cooldownUntil: Instant?
    /// A warning that the standby is down has been sent and not yet cleared.
    public var standbyWarningRaised = false
    /// The message that a failback is available has been sent for this stretch of primary health.
    public var failbackAvailableSaid = false
    /// Why the checks cannot run on this host, while they cannot (said once, and when it clears).
    /// Optional, so a snapshot from before it decodes as it was.
    public var agentFault: String?
    /// Why the upstream files cannot be read (or are not understood), while so: said once,
    /// shown as unprotected, read again with backoff.
    public var upstreamProblem: String?
    /// How many times the files were read again since the problem began (for the backoff).
    public var upstreamRereads = 0
    /// Each SSH host the service needs, by name, from the idle checks and host watching.
    public var hosts: [String: HostWatch] = [:]
    /// The warm standby's backup-line rewrite in flight, if any.
    public var backupListing: BackupListing?
    /// When each load balancer's backup line was last rewritten (for the rate limit).
    public var backupListedAt: [Int: Instant] = [:]
    /// The last backup-line rewrite failed and that was said.
    public var backupListingFailed = false
    /// What the last preflight found would make a failover fail (empty: nothing, or none yet).
    public var preflightFindings: [String] = []
    /// Who paused the service, why and until when, while it is paused.
    public var pause: PauseState?
    /// The planned-maintenance window in force, if any.
    public var maintenance: MaintenanceHold?
    /// How many incidents this service has had; incident ids count with it.
    public var incidentCount = 0
    /// The generations of the timers that are current.
    public var timers = Timers()

    /// The generations of the timers that are current; a firing of any other is ignored.
    public struct Timers: Equatable, Hashable, Sendable, Codable {
        /// The generation the next timer gets.
        public var next = 1
        /// The current step deadline's generation.
        public var stepDeadline: Int?
        /// The current retry timer's generation.
        public var retry: Int?
        /// The current reminder timer's generation.
        public var reminder: Int?
        /// The current end-of-pause timer's generation.
        public var pauseEnds: Int?
        /// The current re-read of unreadable upstream files.
        public var observe: Int?
        /// The current idle host check's generation.
        public var hostCheck: Int?
        /// The current rate-limited backup-line rewrite's generation.
        public var backupListing: Int?
        /// The next scheduled preflight's generation.
        public var preflight: Int?
        /// The next escalation step's generation.
        public var escalation: Int?
    }

    /// A snapshot of a service in `phase`, with what its load balancers serve.
    public init(phase: Phase, upstreams: [UpstreamLayout?]) {
        self.phase = phase
        self.upstreams = upstreams
    }

    /// An outage is open: the serving side and the other are down, and no runbook runs.
    public var isInOutage: Bool { incident?.kind == .outage && runbook == nil }

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
