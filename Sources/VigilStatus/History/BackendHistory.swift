import Foundation

/// One series of check results (a backend, or the side that served), kept small: a ring of the
/// last 24 hours by minute (checks, failures, latency percentiles) and the last 90 days by day
/// (checks, failures). At most 1,440 + 90 entries, however long the agent runs.
public struct BackendHistory: Codable, Sendable, Equatable {
    public static let minutesKept = 1_440
    public static let daysKept = 90

    /// A closed minute.
    public struct Minute: Codable, Sendable, Equatable {
        /// Minutes since the Unix epoch.
        public var minute: Int
        public var checks: Int
        public var failures: Int
        /// Latency percentiles of the minute's checks, in milliseconds.
        public var p50: Double
        public var p95: Double
        public var max: Double

        enum CodingKeys: String, CodingKey {
            case minute = "m"
            case checks = "c"
            case failures = "f"
            case p50, p95, max
        }
    }

    /// A day's totals (UTC days).
    public struct Day: Codable, Sendable, Equatable {
        /// Days since the Unix epoch.
        public var day: Int
        public var checks: Int
        public var failures: Int

        enum CodingKeys: String, CodingKey {
            case day = "d"
            case checks = "c"
            case failures = "f"
        }
    }

    /// The minute being counted (not saved: at most a minute is lost at a crash).
    struct OpenMinute: Sendable, Equatable {
        var minute: Int
        var failures = 0
        var latencies: [Double] = []
    }

    public private(set) var minutes: [Minute] = []
    public private(set) var days: [Day] = []
    var open: OpenMinute?

    enum CodingKeys: String, CodingKey {
        case minutes, days
    }

    public init() {}

    /// One check: whether it passed and how long it took.
    public mutating func record(ok: Bool, seconds: Double, at date: Date) {
        let minute = Int((date.timeIntervalSince1970 / 60).rounded(.down))
        if let current = open, current.minute != minute {
            // A clock that steps back starts a new minute; the ring stays in order by dropping later ones.
            close(current)
        }
        if open?.minute != minute { open = OpenMinute(minute: minute) }
        open?.latencies.append(seconds * 1_000)
        if !ok { open?.failures += 1 }
    }

    private mutating func close(_ current: OpenMinute) {
        let sorted = current.latencies.sorted()
        // Kept to a tenth of a millisecond: enough for a picture, and the file stays small.
        func percentile(_ fraction: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            return (sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)] * 10).rounded() / 10
        }
        var closed = Minute(
            minute: current.minute, checks: sorted.count, failures: current.failures, p50: percentile(0.5), p95: percentile(0.95),
            max: ((sorted.last ?? 0) * 10).rounded() / 10)
        let added = (checks: closed.checks, failures: closed.failures)
        if let last = minutes.last, last.minute == closed.minute {
            // The same minute saved before a restart: its checks and these are added up (the
            // percentiles of the two halves are not merged exactly; the higher one is kept).
            closed.checks += last.checks
            closed.failures += last.failures
            (closed.p50, closed.p95, closed.max) = (Swift.max(closed.p50, last.p50), Swift.max(closed.p95, last.p95), Swift.max(closed.max, last.max))
        }
        minutes.removeAll { $0.minute >= closed.minute }
        minutes.append(closed)
        minutes.removeFirst(max(0, minutes.count - Self.minutesKept))
        if let last = minutes.last { minutes.removeAll { $0.minute <= last.minute - Self.minutesKept } }
        let day = closed.minute / 1_440
        if days.last?.day == day {
            days[days.count - 1].checks += added.checks
            days[days.count - 1].failures += added.failures
        } else if (days.last?.day ?? Int.min) < day {
            days.append(Day(day: day, checks: added.checks, failures: added.failures))
        }
        days.removeAll { $0.day <= day - Self.daysKept }
    }

    /// The history with the open minute closed: what the pictures show now, and what is saved
    /// (a restart in the same minute adds to it).
    public func closed() -> BackendHistory {
        var copy = self
        if let current = open { copy.close(current) }
        copy.open = nil
        return copy
    }
}
