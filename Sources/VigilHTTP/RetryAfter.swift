import Foundation
import VigilCore

/// The `Retry-After` header: a number of seconds, or an HTTP date (RFC 9110, section 10.2.3).
enum RetryAfter {
    static func parse(_ value: String, now: Date = Date()) -> Duration? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        // Held to Vigil's longest duration: a huge value would overflow the delivery schedule.
        if let seconds = Int(trimmed) { return seconds >= 0 ? min(.seconds(seconds), DurationText.maximum) : nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        return DurationText.milliseconds(max(0, date.timeIntervalSince(now) * 1_000)) ?? DurationText.maximum
    }
}
