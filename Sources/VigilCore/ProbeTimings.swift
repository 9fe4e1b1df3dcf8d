/// The phases of one HTTP exchange, each measured from the start of the request by libcurl
/// (its `*_TIME_T` counters), so they are cumulative: `connect` includes `nameLookup`.
/// A reused connection reports zero for the phases it skipped.
public struct ProbeTimings: Equatable, Hashable, Sendable, Codable {
    /// Until the name resolved.
    public var nameLookup: Duration
    /// Until the TCP connection was established.
    public var connect: Duration
    /// Until the TLS handshake ended (zero without TLS).
    public var tlsHandshake: Duration
    /// Until the first byte of the answer arrived.
    public var firstByte: Duration
    /// The whole request.
    public var total: Duration

    /// Timings as libcurl measured them, each from the start of the request.
    public init(
        nameLookup: Duration = .zero, connect: Duration = .zero, tlsHandshake: Duration = .zero,
        firstByte: Duration = .zero, total: Duration = .zero
    ) {
        self.nameLookup = nameLookup
        self.connect = connect
        self.tlsHandshake = tlsHandshake
        self.firstByte = firstByte
        self.total = total
    }
}
