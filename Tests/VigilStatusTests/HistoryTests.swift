import Foundation
import Testing
import VigilCore

@testable import VigilStatus

/// The check history behind the pictures: minutes roll into days, the ring stays bounded, the
/// series carry it, and the pictures mark a failure where it happened.
@Suite struct HistoryTests {
    static let start = Date(timeIntervalSince1970: 1_795_996_800)  // Mon 2026-11-30 00:00 UTC

    @Test func minutesCloseIntoPercentilesAndDayTotals() {
        var history = BackendHistory()
        for second in 0..<60 {
            history.record(ok: second != 30, seconds: Double(second + 1) / 1_000, at: Self.start.addingTimeInterval(Double(second)))
        }
        history.record(ok: true, seconds: 0.002, at: Self.start.addingTimeInterval(61))
        #expect(history.minutes.count == 1)
        let minute = history.minutes[0]
        #expect(minute.checks == 60 && minute.failures == 1)
        #expect(minute.p50 == 30 && minute.p95 == 57 && minute.max == 60)
        #expect(history.closed().days.first?.checks == 61, "the open minute counts in today's total")
        #expect(history.days.first?.checks == 60)
    }

    @Test func theRingHoldsADayOfMinutesAndNinetyDays() throws {
        var history = BackendHistory()
        for minute in 0..<(3 * 1_440) {
            history.record(
                ok: minute % 97 != 0, seconds: 0.0123 + Double(minute % 50) / 1_000, at: Self.start.addingTimeInterval(Double(minute) * 60))
        }
        #expect(history.minutes.count <= BackendHistory.minutesKept && history.minutes.count >= BackendHistory.minutesKept - 1)
        let full = try JSONEncoder().encode(history)
        #expect(full.count < 120_000, "a full series is \(full.count) bytes")
        print("history: a full series (1,440 minutes, 90 days) is \(full.count) bytes of JSON")
        for day in 3..<120 { history.record(ok: false, seconds: 0.001, at: Self.start.addingTimeInterval(Double(day) * 86_400)) }
        #expect(history.closed().days.count == BackendHistory.daysKept)
        let saved = try JSONEncoder().encode(history)
        let restored = try JSONDecoder().decode(BackendHistory.self, from: saved)
        #expect(restored.minutes == history.minutes && restored.days == history.days)
    }

    @Test func thePicturesShowAFailureWhereItHappened() throws {
        var history = BackendHistory()
        let failedAt = Self.start.addingTimeInterval(3_600 * 5 + 60 * 23)  // 05:23
        for minute in 0..<(6 * 60) {
            let at = Self.start.addingTimeInterval(Double(minute) * 60)
            history.record(ok: abs(at.timeIntervalSince(failedAt)) >= 1, seconds: 0.004, at: at)
        }
        let now = Self.start.addingTimeInterval(6 * 3_600)
        let series = HistorySeries(name: "served", history: history, now: now)
        #expect(series.dayChecks.last == 360 && series.dayFailures.last == 1 && series.dayChecks.dropLast().allSatisfy { $0 == 0 })
        #expect(series.spanFailures.reduce(0, +) == 1 && series.spanFailures.count == 144)
        let bar = HistoryPicture.uptimeBar(series, label: "Checkout")
        let today = String(StatusDocument.time(now).prefix(10))
        #expect(bar.contains("<title>\(today): 99.72% available (1 of 360 checks failed)</title>"), "\(bar.suffix(400))")
        #expect(bar.contains("fill=\"#7cb342\"") && bar.contains("no data"))
        let spark = HistoryPicture.sparkline(series, label: "Checkout")
        #expect(spark.contains("<title>\(today) 05:20:00 UTC: 1 failed check in 10 minutes</title>"), "\(spark.suffix(600))")
        #expect(spark.contains("<polyline"))
    }
}

extension HistoryTests {
    /// Saved mid-minute and restarted within it: the minute's checks before and after add up.
    @Test func aMinuteSavedBeforeARestartIsAddedTo() throws {
        var before = BackendHistory()
        for second in 0..<20 { before.record(ok: second != 3, seconds: 0.001, at: Self.start.addingTimeInterval(Double(second))) }
        var after = try JSONDecoder().decode(BackendHistory.self, from: try JSONEncoder().encode(before.closed()))
        for second in 30..<40 { after.record(ok: true, seconds: 0.001, at: Self.start.addingTimeInterval(Double(second))) }
        #expect(after.closed().minutes.map(\.checks) == [30] && after.closed().minutes.map(\.failures) == [1])
        #expect(after.closed().days.map(\.checks) == [30])
    }
}
