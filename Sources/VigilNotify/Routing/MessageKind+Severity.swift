import VigilCore

extension MessageKind {
    /// Every kind's severity: the table in docs/notifications.md.
    public var severity: MessageSeverity {
        switch self {
        case .incidentStarted, .runbookFailed, .outageStarted, .incidentEscalated: .critical
        case .incidentUpdate, .flapBudgetExhausted, .agentFault, .upstreamUnreadable, .hostUnreachable, .loadBalancerCheckFailed,
            .channelFailing, .preflightFailed, .maintenanceHeld, .clusterLost, .vantagesDisagree:
            .error
        case .standbyUnhealthy, .upstreamEdited, .upstreamAdopted, .backupListingFailed, .paused, .maintenanceStarted, .leaderChanged: .warning
        case .incidentResolved, .failbackStarted, .failbackDone, .standbyHealthy, .failbackAvailable, .resumed, .agentFaultCleared,
            .outageResolved, .upstreamReadable, .hostReachable, .backupListed, .channelRecovered, .preflightPassed, .drillStarted,
            .drillProgress, .drillReport, .incidentAcknowledged, .maintenanceEnded, .clusterRegained, .test:
            .info
        }
    }

    /// The kind this one clears, when it is the all-clear of a problem: it goes wherever that
    /// problem went, whatever its own severity, so nobody is left with an alarm and no end to it
    /// (and a page resolves).
    public var clears: MessageKind? {
        switch self {
        case .incidentResolved, .failbackDone: .incidentStarted
        case .standbyHealthy: .standbyUnhealthy
        case .resumed: .paused
        case .agentFaultCleared: .agentFault
        case .outageResolved: .outageStarted
        case .upstreamReadable: .upstreamUnreadable
        case .hostReachable: .hostUnreachable
        case .backupListed: .backupListingFailed
        case .channelRecovered: .channelFailing
        case .preflightPassed: .preflightFailed
        case .maintenanceEnded: .maintenanceStarted
        case .clusterRegained: .clusterLost
        case .incidentStarted, .incidentUpdate, .runbookFailed, .failbackStarted, .standbyUnhealthy, .failbackAvailable, .flapBudgetExhausted,
            .paused,
            .upstreamEdited, .agentFault, .outageStarted, .upstreamUnreadable, .hostUnreachable, .loadBalancerCheckFailed,
            .upstreamAdopted, .backupListingFailed, .channelFailing, .preflightFailed, .drillStarted, .drillProgress, .drillReport, .test,
            .incidentAcknowledged, .incidentEscalated, .maintenanceStarted, .maintenanceHeld, .clusterLost, .leaderChanged,
            .vantagesDisagree:
            nil
        }
    }

    /// The kind whose routes this one follows, whatever its own severity: an all-clear goes
    /// where its problem went, and an acknowledgement where the incident was said (so a page is
    /// acknowledged where it was raised).
    public var followsRoutesOf: MessageKind? {
        self == .incidentAcknowledged ? .incidentStarted : clears
    }
}
