/// A runbook in flight (or stuck): its plan for this attempt and how far it got.
public struct Runbook: Equatable, Hashable, Sendable, Codable {
    public var kind: RunbookKind
    /// The side traffic moves to.
    public var target: Backend
    /// Started by detection, not by an operator: counts against the flap budget.
    public var automatic: Bool
    public var skipGate: Bool
    public var steps: [RunbookStep]
    public var index: Int
    public var attempt: Int
    public var gateSuccesses: Int
    /// The target passed its health gate in this attempt: the only licence to switch to it.
    public var gatePassed: Bool
    /// What each load balancer served before this runbook switched it, for rollbacks.
    public var previousLayouts: [UpstreamLayout?]
    /// The failure a rollback in progress answers, reported once the rollback is done.
    public var pendingFailure: PendingFailure?

    public struct PendingFailure: Equatable, Hashable, Sendable, Codable {
        public var step: RunbookStep
        public var cause: String
    }

    public var source: Backend { target.other }
    public var currentStep: RunbookStep? { steps.indices.contains(index) ? steps[index] : nil }
}
