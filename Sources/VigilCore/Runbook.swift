/// A runbook in flight (or stuck): its plan for this attempt and how far it got.
public struct Runbook: Equatable, Hashable, Sendable, Codable {
    /// Failover or failback.
    public var kind: RunbookKind
    /// The side traffic moves to.
    public var target: Backend
    /// Started by detection, not by an operator: counts against the flap budget.
    public var automatic: Bool
    /// The operator skipped the health gate.
    public var skipGate: Bool
    /// This attempt's plan.
    public var steps: [RunbookStep]
    /// The step under way (or stuck) in `steps`.
    public var index: Int
    /// 1 for the first attempt, counting up with each retry.
    public var attempt: Int
    /// Consecutive passed rounds of the target in its gate.
    public var gateSuccesses: Int
    /// The target passed its health gate in this attempt: the only licence to switch to it.
    public var gatePassed: Bool
    /// What each load balancer served before this runbook switched it, for rollbacks.
    public var previousLayouts: [UpstreamLayout?]
    /// The failure a rollback in progress answers, reported once the rollback is done.
    public var pendingFailure: PendingFailure?
    /// How the stuck runbook is tried again (nil before version 2 and while it runs).
    public var retryPlan: RetryPlan?
    /// The step whose failure was last said to the channels: a retry that fails the same way is
    /// logged in the timeline, not said again.
    public var saidFailure: RunbookStep?

    /// A failed step, kept while the rollback it needs runs.
    public struct PendingFailure: Equatable, Hashable, Sendable, Codable {
        /// The step that failed.
        public var step: RunbookStep
        /// Why, in words.
        public var cause: String
        /// How to try again once the rollback is done (nil before version 2).
        public var retryPlan: RetryPlan?
    }

    /// The side traffic moves away from.
    public var source: Backend { target.other }
    /// The step under way, or nil once every step is done.
    public var currentStep: RunbookStep? { steps.indices.contains(index) ? steps[index] : nil }
}

extension Runbook {
    /// Starts `steps` from the first, gated afresh, with what each load balancer serves now as
    /// what a rollback returns to.
    mutating func restart(with steps: [RunbookStep], servedNow upstreams: [UpstreamLayout?]) {
        self.steps = steps
        index = 0
        gatePassed = false
        gateSuccesses = 0
        pendingFailure = nil
        previousLayouts = upstreams
    }

    /// The phase while `step` of this runbook is under way.
    public func phase(at step: RunbookStep) -> Phase {
        switch kind {
        case .failover: .failingOver(step)
        case .failback: .failingBack(step)
        case .drill: .drilling(step)
        }
    }
}
