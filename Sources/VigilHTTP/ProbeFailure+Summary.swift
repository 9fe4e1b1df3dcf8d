import VigilCore

extension ProbeFailure {
    /// One line for logs and tables.
    public var summary: String {
        switch self {
        case .refused: "connection refused"
        case .timeout(let phase): "timed out during \(phase.rawValue)"
        case .nameResolution(let message): "name resolution failed: \(message)"
        case .tls(let message): "TLS failed: \(message)"
        case .invalidResponse(let message): "not a valid HTTP response: \(message)"
        case .status(let code): "HTTP status \(code)"
        case .bodyMismatch(let expectation): "body mismatch: expected \(expectation)"
        case .tooSlow(let total, let ceiling): "too slow: \(total) over the ceiling of \(ceiling)"
        case .tooLarge(let limit): "body larger than \(limit) bytes"
        case .other(let code, let message): "transport error \(code): \(message)"
        }
    }
}
