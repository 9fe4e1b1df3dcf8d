/// A point in time as the driver's clock reports it, measured from an epoch of the driver's
/// choosing. The core never reads a clock: every event arrives with its instant.
public struct Instant: Comparable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// Time since the origin the agent counts from (the Unix epoch).
    public var sinceEpoch: Duration

    /// The instant `sinceEpoch` after the origin.
    public init(_ sinceEpoch: Duration) { self.sinceEpoch = sinceEpoch }

    /// The origin.
    public static let zero = Instant(.zero)
    /// The instant `seconds` after the origin, to the millisecond (for tests and fixtures).
    public static func seconds(_ seconds: Double) -> Instant { Instant(.milliseconds(Int64((seconds * 1_000).rounded()))) }

    /// Earlier first.
    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.sinceEpoch < rhs.sinceEpoch }
    /// The instant `rhs` later.
    public static func + (lhs: Instant, rhs: Duration) -> Instant { Instant(lhs.sinceEpoch + rhs) }
    /// The time from `rhs` to `lhs`.
    public static func - (lhs: Instant, rhs: Instant) -> Duration { lhs.sinceEpoch - rhs.sinceEpoch }

    /// `t+2s`, as logs show it.
    public var description: String { "t+\(DurationText.format(sinceEpoch))" }
}
