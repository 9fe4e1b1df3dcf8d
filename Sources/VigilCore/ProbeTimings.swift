/// The phases of one HTTP exchange, each measured from the start of the request by libcurl
/// (its `*_TIME_T` counters), so they are cumulative: `connect` includes `nameLookup`.
/// A reused connection reports zero for the phases it skipped.
public struct ProbeTimings: Equatable, Hashable, Sendable, Codable {
    public var nameLookup: Duration
    public var connect: Duration
    public var tlsHandshake: Duration
    public var firstByte: Duration
    public var total: Duration

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
