/// Why a runbook runs.
public enum RunbookKind: String, Equatable, Hashable, Sendable, Codable {
    /// The side that served failed (or an operator forced it): an incident.
    case failover
    /// A planned return to the primary.
    case failback
    /// A rehearsal: to the standby, a hold while it serves, back to the primary, a report.
    case drill
}
