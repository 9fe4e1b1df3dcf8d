/// A point in time as the driver's clock reports it, measured from an epoch of the driver's
/// choosing. The core never reads a clock: every event arrives with its instant.
public struct Instant: Comparable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var sinceEpoch: Duration

    public init(_ sinceEpoch: Duration) { self.sinceEpoch = sinceEpoch }

    public static let zero = Instant(.zero)
    public static func seconds(_ seconds: Double) -> Instant { Instant(.milliseconds(Int64((seconds * 1_000).rounded()))) }

    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.sinceEpoch < rhs.sinceEpoch }
    public static func + (lhs: Instant, rhs: Duration) -> Instant { Instant(lhs.sinceEpoch + rhs) }
    public static func - (lhs: Instant, rhs: Instant) -> Duration { lhs.sinceEpoch - rhs.sinceEpoch }

    public var description: String { "t+\(DurationText.format(sinceEpoch))" }
}
