import Foundation

/// A series as `/status.json` carries it, in columns of fixed length so it stays small: 90 days
/// ending today (UTC), and the last 24 hours in 144 spans of 10 minutes (from the per-minute
/// ring) ending with the current one, oldest first; a cell with no check has 0 checks. The same
/// numbers the pictures are drawn from.
public struct HistorySeries: Codable, Sendable, Equatable {
    /// `primary`, `standby`, or `served` (the side the load balancers named then).
    public var name: String
    /// The first day's date, `2026-09-03`.
    public var daysStart: String
    public var dayChecks: [Int]
    public var dayFailures: [Int]
    /// How long a span of `spanChecks` is.
    public var spanMinutes = Self.spanMinutes
    /// The first span's start, ISO 8601.
    public var spansStart: String
    public var spanChecks: [Int]
    public var spanFailures: [Int]
    /// The highest per-minute 95th percentile of check latency in each span, in milliseconds (0: no check).
    public var spanP95Ms: [Double]

    /// The first day and the first span's minute since the Unix epoch, for the pictures (the
    /// JSON says them as dates).
    let firstDay: Int
    let firstMinute: Int

    static let spanMinutes = 10
    static let spans = BackendHistory.minutesKept / spanMinutes

    enum CodingKeys: String, CodingKey {
        case name, daysStart, dayChecks, dayFailures, spanMinutes, spansStart, spanChecks, spanFailures, spanP95Ms
    }

    /// A series read back from `/status.json`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        daysStart = try container.decode(String.self, forKey: .daysStart)
        dayChecks = try container.decode([Int].self, forKey: .dayChecks)
        dayFailures = try container.decode([Int].self, forKey: .dayFailures)
        spanMinutes = try container.decode(Int.self, forKey: .spanMinutes)
        spansStart = try container.decode(String.self, forKey: .spansStart)
        spanChecks = try container.decode([Int].self, forKey: .spanChecks)
        spanFailures = try container.decode([Int].self, forKey: .spanFailures)
        spanP95Ms = try container.decode([Double].self, forKey: .spanP95Ms)
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        let day = try style.parse(daysStart + "T00:00:00.000Z")
        firstDay = Int(day.timeIntervalSince1970 / 86_400)
        firstMinute = Int(try style.parse(spansStart).timeIntervalSince1970 / 60)
    }

    public init(name: String, history open: BackendHistory, now: Date) {
        self.name = name
        let history = open.closed()
        let today = Int((now.timeIntervalSince1970 / 86_400).rounded(.down))
        let firstDay = today - BackendHistory.daysKept + 1
        var dayChecks = [Int](repeating: 0, count: BackendHistory.daysKept)
        var dayFailures = dayChecks
        for day in history.days where day.day >= firstDay && day.day <= today {
            dayChecks[day.day - firstDay] = day.checks
            dayFailures[day.day - firstDay] = day.failures
        }
        // Spans are aligned to the clock (…:00, …:10), the last one holding the current minute.
        let minute = Int((now.timeIntervalSince1970 / 60).rounded(.down))
        let firstMinute = (minute / Self.spanMinutes - Self.spans + 1) * Self.spanMinutes
        var spanChecks = [Int](repeating: 0, count: Self.spans)
        var spanFailures = spanChecks
        var p95 = [Double](repeating: 0, count: Self.spans)
        for entry in history.minutes where entry.minute >= firstMinute && entry.minute <= minute {
            let index = (entry.minute - firstMinute) / Self.spanMinutes
            spanChecks[index] += entry.checks
            spanFailures[index] += entry.failures
            p95[index] = max(p95[index], (entry.p95 * 10).rounded() / 10)
        }
        (self.firstDay, self.firstMinute) = (firstDay, firstMinute)
        (self.dayChecks, self.dayFailures) = (dayChecks, dayFailures)
        (self.spanChecks, self.spanFailures, spanP95Ms) = (spanChecks, spanFailures, p95)
        daysStart = String(StatusDocument.time(Date(timeIntervalSince1970: Double(firstDay) * 86_400)).prefix(10))
        spansStart = StatusDocument.time(Date(timeIntervalSince1970: Double(firstMinute) * 60))
    }

    /// A day's availability in percent, or nil without checks.
    func availability(day index: Int) -> Double? {
        dayChecks[index] == 0 ? nil : 100 * Double(dayChecks[index] - dayFailures[index]) / Double(dayChecks[index])
    }
}
