/// One failover or failback, from the first failed check to its end, with its evidence and timeline.
public struct Incident: Equatable, Hashable, Sendable, Codable {
    public var id: String
    public var kind: RunbookKind
    public var from: Backend
    public var to: Backend
    /// The first failed check of the failure (or the operator's request).
    public var openedAt: Instant
    public var cause: String
    public var evidence: [ProbeEvidence]
    public var timeline: [TimelineEntry]
    public var resolvedAt: Instant?
    /// Who forced it and why, when an operator did.
    public var requestedBy: String?
    public var gateSkipped: Bool
    public var recoveryTimeObjective: Duration?

    public init(
        id: String, kind: RunbookKind, from: Backend, to: Backend, openedAt: Instant, cause: String,
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

    /// From the first failed check to the end of the runbook.
    public var timeToRecover: Duration? { resolvedAt.map { $0 - openedAt } }
    public var metObjective: Bool? {
        guard let timeToRecover, let recoveryTimeObjective else { return nil }
        return timeToRecover <= recoveryTimeObjective
    }
}
