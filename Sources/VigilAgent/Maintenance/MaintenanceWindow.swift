import Foundation
import VigilCore

/// A planned-maintenance window: from the config (`maintenance:`) or added at run time (`vigil
/// maintenance add`, kept in the state folder).
public struct MaintenanceWindow: Codable, Sendable, Equatable {
    /// `config-N` for the config's, `m-N` for those added at run time.
    public var id: String
    public var start: Date
    public var end: Date
    /// The services it covers; empty: every service.
    public var services: [String]
    /// Why, for operators (internal channels, the internal page).
    public var reason: String
    /// What the public page says of it, when it should say more than that maintenance is planned.
    public var publicText: String?
    /// Who added it at run time.
    public var addedBy: String?

    public init(
        id: String, start: Date, end: Date, services: [String] = [], reason: String, publicText: String? = nil, addedBy: String? = nil
    ) {
        self.id = id
        self.start = start
        self.end = end
        self.services = services
        self.reason = reason
        self.publicText = publicText
        self.addedBy = addedBy
    }

    public func covers(_ service: String) -> Bool { services.isEmpty || services.contains(service) }

    public func isActive(at date: Date) -> Bool { start <= date && date < end }

    /// The hold the core gets while the window is in force.
    public var hold: MaintenanceHold {
        MaintenanceHold(id: id, until: Instant(.milliseconds(Int64(end.timeIntervalSince1970 * 1_000))), reason: reason)
    }

    /// `Tue 2026-12-08 02:00–04:00 UTC` (the end's date too when it is another day).
    public var span: String {
        let day = Self.format("EEE yyyy-MM-dd HH:mm", start)
        let sameDay = Self.format("yyyy-MM-dd", start) == Self.format("yyyy-MM-dd", end)
        return "\(day)–\(Self.format(sameDay ? "HH:mm" : "EEE yyyy-MM-dd HH:mm", end)) UTC"
    }

    static func format(_ pattern: String, _ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }

    /// A start as operators write it: `2026-12-08T02:00Z`, `2026-12-08 02:00` (UTC), with
    /// seconds or an offset, or `now`.
    public static func parseStart(_ text: String, now: Date = Date()) -> Date? {
        var trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "now" { return now }
        if trimmed.hasSuffix("UTC") { trimmed = String(trimmed.dropLast(3)).trimmingCharacters(in: .whitespaces) + "Z" }
        var candidate = trimmed.replacingOccurrences(of: " ", with: "T")
        if !(candidate.hasSuffix("Z") || candidate.range(of: #"[+-]\d\d:?\d\d$"#, options: .regularExpression) != nil) {
            candidate += "Z"
        }
        let withSeconds = candidate.range(of: #"T\d\d:\d\d:\d\d"#, options: .regularExpression) != nil
        if !withSeconds, let minute = candidate.range(of: #"T\d\d:\d\d"#, options: .regularExpression) {
            candidate.insert(contentsOf: ":00", at: minute.upperBound)
        }
        return try? Date(candidate, strategy: .iso8601)
    }
}
