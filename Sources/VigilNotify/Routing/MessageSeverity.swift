/// How urgent a message is, lowest first; channels and services route on it (`min_severity`).
/// The names are PagerDuty's, so a page carries the same word.
public enum MessageSeverity: String, Sendable, Codable, CaseIterable, Comparable {
    /// Good news or a record: something cleared, a drill, a test.
    case info
    /// Worth a look in working hours; the service is protected and served.
    case warning
    /// Vigil cannot protect the service, or something it needs is broken; traffic is served.
    case error
    /// Traffic is moving because a side failed, or nothing healthy serves: act now.
    case critical

    public static func < (lhs: MessageSeverity, rhs: MessageSeverity) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
