import Foundation
import VigilCore

/// The `Retry-After` header: a number of seconds, or an HTTP date (RFC 9110, section 10.2.3).
enum RetryAfter {
    static func parse(_ value: String, now: Date = Date()) -> Duration? {
        // Optional whitespace is spaces and tabs (RFC 9110, section 5.6.3).
        let trimmed = String(value.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
        // Held to Vigil's longest duration: a huge value would overflow the delivery schedule.
        if let seconds = Int(trimmed) { return seconds >= 0 ? min(.seconds(seconds), DurationText.maximum) : nil }
        guard let date = HTTPDate.parse(trimmed) else { return nil }
        return DurationText.milliseconds(max(0, date.timeIntervalSince(now) * 1_000)) ?? DurationText.maximum
    }
}
