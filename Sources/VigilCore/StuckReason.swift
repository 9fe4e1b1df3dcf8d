/// Why a service waits for an operator (or a retry) instead of acting.
public enum StuckReason: Equatable, Hashable, Sendable, Codable {
    /// A runbook step failed. `trafficMoved`: some load balancer already serves the target, which
    /// stays so; traffic never goes back to a side that is down.
    case runbookFailed(step: RunbookStep, cause: String, trafficMoved: Bool)
    /// More automatic runbooks than the flap budget allows: held until an operator re-arms.
    case flapBudgetExhausted
    /// After a restart, what the load balancers serve does not match what Vigil knows.
    case reconcileFailed(String)
}

extension StuckReason: CustomStringConvertible {
    /// The reason in words, as status and messages show it.
    public var description: String {
        switch self {
        case .runbookFailed(let step, let cause, let trafficMoved):
            "\(step) failed: \(cause) (traffic \(trafficMoved ? "had moved" : "had not moved"))"
        case .flapBudgetExhausted:
            "too many automatic runbooks; `vigil rearm` re-arms them"
        case .reconcileFailed(let why):
            why
        }
    }
}
