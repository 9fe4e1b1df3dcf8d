/// How a service (or the whole agent) is doing, from a user's side, least severe first.
public enum OperationalStatus: String, Codable, Sendable, CaseIterable, Comparable {
    case operational
    /// Paused: Vigil watches but does not act.
    case maintenance
    /// Serving, but something is down or being fixed.
    case degraded
    /// The side that serves (or is being replaced) is down.
    case outage

    private var severity: Int {
        switch self {
        case .operational: 0
        case .maintenance: 1
        case .degraded: 2
        case .outage: 3
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.severity < rhs.severity }
}
