/// What an incident is about.
public enum IncidentKind: String, Equatable, Hashable, Sendable, Codable {
    /// Traffic moved (or is moving) away from a side that failed, or an operator forced it.
    case failover
    /// A planned return to the primary.
    case failback
    /// Nothing healthy to serve: the serving side is down and so is the other. It ends when
    /// either side passes its checks and serves.
    case outage
    /// A drill: its report is in `drill`; a failure is a finding, not an outage.
    case drill

    /// The incident a runbook of `kind` opens.
    public init(_ kind: RunbookKind) {
        switch kind {
        case .failover: self = .failover
        case .failback: self = .failback
        case .drill: self = .drill
        }
    }
}
