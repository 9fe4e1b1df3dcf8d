/// Why a health probe failed. One case per cause an operator acts on differently.
public enum ProbeFailure: Equatable, Hashable, Sendable, Codable {
    /// Nothing listens on the port (ECONNREFUSED).
    case refused
    /// The probe's deadline passed; the phase says where it was stuck.
    case timeout(TimeoutPhase)
    /// The host name did not resolve.
    case nameResolution(String)
    /// The TLS handshake or the peer's certificate failed verification.
    case tls(String)
    /// The peer answered, but not with HTTP (or with a broken response).
    case invalidResponse(String)
    /// An HTTP status outside the expected set.
    case status(Int)
    /// The body did not contain the expected text or JSON field value.
    case bodyMismatch(String)
    /// The answer came, but later than the probe's latency ceiling.
    case tooSlow(total: Duration, ceiling: Duration)
    /// The body was longer than the probe reads; it was cut there, never buffered whole.
    case tooLarge(limit: Int)
    /// Any other transport failure, with libcurl's code and message.
    case other(code: Int, message: String)
    /// The check could not be run on this host (no descriptor left, out of memory, a URL the
    /// transport refuses): a fault of the agent, never evidence against the backend.
    case local(String)
}
