import Foundation
import VigilCore

/// One `drills:` entry of a service: when a drill runs by itself (in UTC), for how long it holds
/// the standby, and why (said in its messages).
public struct DrillSchedule: Sendable, Equatable {
    /// Which days a drill runs on.
    public enum Recurrence: Sendable, Equatable {
        /// Every week on `weekday` (1 Sunday … 7 Saturday, as Foundation's Calendar counts).
        case weekly(weekday: Int)
        /// Once a month on the `ordinal`th `weekday` of the month (1…4), or the last when `ordinal` is nil.
        case monthly(ordinal: Int?, weekday: Int)
    }

    public var recurrence: Recurrence
    public var hour: Int
    public var minute: Int
    public var hold: Duration
    public var reason: String
    /// As the config wrote it ("weekly Tue 03:00"), for messages and `vigil drill --next`.
    public var text: String

    private static let weekdays = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
    private static let ordinals = ["1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "last": nil] as [String: Int?]

    /// Parses "Tue 03:00" (weekly) or "1st Tue 03:00" / "last Fri 22:30" (monthly); the error says
    /// what was expected.
    public static func parse(_ text: String, monthly: Bool, hold: Duration, reason: String) -> Result<DrillSchedule, DrillScheduleError> {
        let words = text.split(separator: " ").map { $0.lowercased() }
        let expected = monthly ? "\"1st Tue 03:00\" (1st, 2nd, 3rd, 4th or last; a weekday; UTC)" : "\"Tue 03:00\" (a weekday and a UTC time)"
        guard words.count == (monthly ? 3 : 2) else { return .failure(DrillScheduleError(message: "expected \(expected), not \"\(text)\"")) }
        guard let weekdayIndex = weekdays.firstIndex(of: String(words[words.count - 2].prefix(3))) else {
            return .failure(DrillScheduleError(message: "\(words[words.count - 2]) is not a weekday; expected \(expected)"))
        }
        let clock = words[words.count - 1].split(separator: ":")
        guard clock.count == 2, let hour = Int(clock[0]), let minute = Int(clock[1]), (0..<24).contains(hour), (0..<60).contains(minute) else {
            return .failure(DrillScheduleError(message: "\(words[words.count - 1]) is not a time of day (HH:MM, UTC); expected \(expected)"))
        }
        let recurrence: Recurrence
        if monthly {
            guard let ordinal = ordinals[words[0]] else {
                return .failure(DrillScheduleError(message: "\(words[0]) is not 1st, 2nd, 3rd, 4th or last; expected \(expected)"))
            }
            recurrence = .monthly(ordinal: ordinal, weekday: weekdayIndex + 1)
        } else {
            recurrence = .weekly(weekday: weekdayIndex + 1)
        }
        return .success(
            DrillSchedule(
                recurrence: recurrence, hour: hour, minute: minute, hold: hold, reason: reason,
                text: "\(monthly ? "monthly" : "weekly") \(text)"))
    }

    /// The first time strictly after `date` that this schedule names (UTC).
    public func next(after date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let startOfDay = calendar.startOfDay(for: date)
        // Every recurrence names a day within 5 weeks (monthly: within two months, ≤ 62 days).
        for offset in 0..<70 {
            guard let day = calendar.date(byAdding: .day, value: offset, to: startOfDay), matches(day, calendar),
                let time = calendar.date(bySettingHour: hour, minute: minute, second: 0, of: day), time > date
            else { continue }
            return time
        }
        preconditionFailure("no day in 70 matches \(text)")
    }

    private func matches(_ day: Date, _ calendar: Calendar) -> Bool {
        let weekday = calendar.component(.weekday, from: day)
        switch recurrence {
        case .weekly(let wanted):
            return weekday == wanted
        case .monthly(let ordinal?, let wanted):
            return weekday == wanted && (calendar.component(.day, from: day) - 1) / 7 + 1 == ordinal
        case .monthly(nil, let wanted):
            guard weekday == wanted, let inAWeek = calendar.date(byAdding: .day, value: 7, to: day) else { return false }
            return calendar.component(.month, from: inAWeek) != calendar.component(.month, from: day)
        }
    }
}

/// Why a `drills:` entry cannot be read.
public struct DrillScheduleError: Error, Sendable, Equatable {
    public var message: String
}
