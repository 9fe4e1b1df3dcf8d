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

    static let spanMinutes = 10
    static let spans = BackendHistory.minutesKept / spanMinutes

    public init(name: String, history: BackendHistory, now: Date) {
        self.name = name
        let today = Int((now.timeIntervalSince1970 / 86_400).rounded(.down))
        let firstDay = today - BackendHistory.daysKept + 1
        var dayChecks = [Int](repeating: 0, count: BackendHistory.daysKept)
        var dayFailures = dayChecks
        for day in history.currentDays() where day.day >= firstDay && day.day <= today {
            dayChecks[day.day - firstDay] = day.checks
            dayFailures[day.day - firstDay] = day.failures
        }
        // Spans are aligned to the clock (…:00, …:10), the last one holding the current minute.
        let minute = Int((now.timeIntervalSince1970 / 60).rounded(.down))
        let firstMinute = (minute / Self.spanMinutes - Self.spans + 1) * Self.spanMinutes
        var spanChecks = [Int](repeating: 0, count: Self.spans)
        var spanFailures = spanChecks
        var p95 = [Double](repeating: 0, count: Self.spans)
        for entry in history.currentMinutes() where entry.minute >= firstMinute && entry.minute <= minute {
            let index = (entry.minute - firstMinute) / Self.spanMinutes
            spanChecks[index] += entry.checks
            spanFailures[index] += entry.failures
            p95[index] = max(p95[index], (entry.p95 * 10).rounded() / 10)
        }
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
