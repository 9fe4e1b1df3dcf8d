extension ProbeFailure: CustomStringConvertible {
    /// The one wording of a failed check, used by messages, the status page, `vigil check`, logs
    /// and the timeline alike.
    public var description: String {
        switch self {
        case .refused: "connection refused"
        case .timeout(let phase): "timed out \(phase.during)"
        case .nameResolution(let message): "name resolution failed: \(message)"
        case .tls(let message): "TLS failed: \(message)"
        case .invalidResponse(let message): "not a valid HTTP response: \(message)"
        case .status(let code): "HTTP \(code)"
        case .bodyMismatch(let expectation): "body mismatch: expected \(expectation)"
        case .tooSlow(let total, let ceiling):
            "too slow: \(DurationText.format(total)), over the ceiling of \(DurationText.format(ceiling))"
        case .tooLarge(let limit): "body larger than \(limit) bytes"
        case .other(let code, let message): "transport error \(code): \(message)"
        case .local(let message): "could not be run on this host: \(message)"
        }
    }
}
