/// What one health probe found: healthy with libcurl's own timings, or exactly one named failure.
public enum ProbeOutcome: Equatable, Hashable, Sendable, Codable {
    case healthy(ProbeTimings)
    case failed(ProbeFailure)

    /// True for `.healthy`.
    public var isHealthy: Bool {
        switch self {
        case .healthy: true
        case .failed: false
        }
    }
}
