/// One failover or failback, from the first failed check to its end, with its evidence and timeline.
public struct Incident: Equatable, Hashable, Sendable, Codable {
    /// `SERVICE-N`, unique per service and kept across restarts.
    public var id: String
    /// Failover or failback.
    public var kind: IncidentKind
    /// The side traffic moved away from (for an outage: the side that served when it began).
    public var from: Backend
    /// The side traffic moved to (for an outage: the other side, until one serves again).
    public var to: Backend
    /// The first failed check of the failure (or the operator's request).
    public var openedAt: Instant
    /// Why it opened, in words.
    public var cause: String
    /// The failed check rounds that opened it.
    public var evidence: [ProbeEvidence]
    /// Every step and decision, in order.
    public var timeline: [TimelineEntry]
    /// When it ended; nil while open.
    public var resolvedAt: Instant?
    /// Who forced it and why, when an operator did.
    public var requestedBy: String?
    /// The operator skipped the health gate.
    public var gateSkipped: Bool
    /// The objective its time to recover is measured against.
    public var recoveryTimeObjective: Duration?
    /// A drill's measurements and findings (nil for any other kind).
    public var drill: DrillRecord?
    /// Who acknowledged it (`vigil ack`), when someone did.
    public var acknowledged: Acknowledgement?

    /// An incident as the core opens it; see each property.
    public init(
        id: String, kind: IncidentKind, from: Backend, to: Backend, openedAt: Instant, cause: String,
        evidence: [ProbeEvidence], timeline: [TimelineEntry], resolvedAt: Instant?, requestedBy: String?,
        gateSkipped: Bool, recoveryTimeObjective: Duration?
    ) {
        self.id = id
        self.kind = kind
        self.from = from
        self.to = to
        self.openedAt = openedAt
        self.cause = cause
        self.evidence = evidence
        self.timeline = timeline
        self.resolvedAt = resolvedAt
        self.requestedBy = requestedBy
        self.gateSkipped = gateSkipped
        self.recoveryTimeObjective = recoveryTimeObjective
    }

    /// From the first failed check to the end of the runbook; for a drill, from its start until
    /// the standby served everywhere (what a real failover would have taken).
    public var timeToRecover: Duration? {
        if let drill { return drill.standbyServingAt.map { $0 - openedAt } }
        return resolvedAt.map { $0 - openedAt }
    }
    /// How many escalation steps it has been through (its timeline says, so a restart repeats none).
    public var escalations: Int {
        timeline.count { if case .escalated = $0.what { true } else { false } }
    }

    /// Whether the time to recover met the objective; nil while open or without an objective.
    public var metObjective: Bool? {
        guard let timeToRecover, let recoveryTimeObjective else { return nil }
        return timeToRecover <= recoveryTimeObjective
    }
}
