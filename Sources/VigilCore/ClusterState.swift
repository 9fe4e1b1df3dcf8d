/// What the machine knows of its cluster. Never saved: after a restart or a takeover the agent
/// tells it again, since standing and views are facts about now.
public struct ClusterState: Equatable, Hashable, Sendable {
    /// nil when the service runs alone (no `cluster:`).
    public var standing: ClusterStanding?
    /// The other agents' views, as they published them.
    public var peers: [VantageView] = []
    /// Since when an automatic failover has waited for the others to confirm.
    var confirmWaitingSince: Instant?
    /// The disagreement was said (once a stretch).
    var disagreementSaid = false

    /// Alone, or a cluster member that has not yet proved it leads.
    init(settings: ClusterSettings?) {
        standing = settings == nil ? nil : .following(leader: nil)
    }

    /// Whether this agent may start a runbook: alone, or leading.
    public var mayAct: Bool {
        switch standing {
        case nil, .leading?: true
        case .following?, .lost?: false
        }
    }
}
