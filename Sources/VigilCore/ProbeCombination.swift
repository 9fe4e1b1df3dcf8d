/// How the probes of one backend combine into one verdict per round.
public enum ProbeCombination: Equatable, Hashable, Sendable, Codable {
    /// Every probe must pass (the default).
    case all
    /// At least this many of the backend's probes must pass.
    case atLeast(Int)

    /// Whether one round of a backend's checks passes.
    public func passes(_ outcomes: [ProbeOutcome]) -> Bool {
        let healthy = outcomes.filter(\.isHealthy).count
        switch self {
        case .all: return !outcomes.isEmpty && healthy == outcomes.count
        case .atLeast(let required): return !outcomes.isEmpty && healthy >= required
        }
    }
}
