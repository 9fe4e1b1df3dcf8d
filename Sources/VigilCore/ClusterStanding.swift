/// Where this agent stands in its cluster. Only the leader acts; a follower watches and
/// publishes its view; an agent that cannot reach etcd cannot prove it leads, so it does not act.
public enum ClusterStanding: Equatable, Hashable, Sendable, Codable {
    /// This agent holds the leader key under a lease it renewed in time: it acts.
    case leading
    /// Another agent leads (its name, when known); this one watches.
    case following(leader: String?)
    /// etcd cannot be reached, or the lease could not be renewed in time: why, in words.
    case lost(String)
}

extension ClusterStanding {
    /// etcd cannot be reached, or the lease is in doubt.
    public var isLost: Bool {
        if case .lost = self { return true }
        return false
    }

    /// In a word, as the status and metrics show it: leading, following or lost.
    public var role: String {
        switch self {
        case .leading: "leading"
        case .following: "following"
        case .lost: "lost"
        }
    }
}

extension MessageKind {
    /// Kinds about the agent itself rather than the service: every agent of a cluster says its own.
    public var isAboutTheAgent: Bool {
        switch self {
        case .clusterLost, .clusterRegained, .agentFault, .agentFaultCleared, .channelFailing, .channelRecovered, .test: true
        case .incidentStarted, .incidentUpdate, .incidentResolved, .runbookFailed, .failbackStarted, .failbackDone, .standbyUnhealthy,
            .standbyHealthy, .failbackAvailable, .flapBudgetExhausted, .paused, .resumed, .upstreamEdited, .outageStarted, .outageResolved,
            .upstreamUnreadable, .upstreamReadable, .hostUnreachable, .hostReachable, .loadBalancerCheckFailed, .upstreamAdopted,
            .backupListingFailed, .backupListed, .preflightFailed, .preflightPassed, .drillStarted, .drillProgress, .drillReport,
            .incidentAcknowledged, .incidentEscalated, .maintenanceStarted, .maintenanceEnded, .maintenanceHeld, .leaderChanged, .vantagesDisagree:
            false
        }
    }
}
