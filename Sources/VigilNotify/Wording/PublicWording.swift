import VigilCore

/// What public channels say of the organisation and each service: the communication plan's
/// words (`PublicNotice`) for an incident's alert, updates and resolution and for planned
/// maintenance, and nothing else: no cause, host or evidence, no other kind.
public struct PublicWording: Sendable {
    public struct Service: Sendable {
        /// The name users know it by.
        public var displayName: String
        /// How often an open incident is updated, when it is.
        public var updateInterval: Duration?

        public init(displayName: String, updateInterval: Duration? = nil) {
            self.displayName = displayName
            self.updateInterval = updateInterval
        }
    }

    /// The organisation's name, as the subjects say it ("REChain DAO Incident Alert").
    public var organization: String
    public var services: [String: Service]

    public init(organization: String = "", services: [String: Service] = [:]) {
        self.organization = organization
        self.services = services
    }

    /// The message for the public, or nil when it is not for them.
    func render(_ message: Message, statusPageURL: String?) -> RenderedMessage? {
        let service = services[message.service]
        let name = service?.displayName ?? message.service
        let interval = service?.updateInterval
        let words: (title: String, text: String)
        switch message.kind {
        case .incidentStarted, .outageStarted:
            words = (PublicNotice.alertTitle(organization), PublicNotice.alert(name, updateEvery: interval))
        case .incidentUpdate:
            words = (PublicNotice.updateTitle(organization), PublicNotice.update(name, nextIn: interval))
        case .incidentResolved, .outageResolved:
            words = (PublicNotice.resolvedTitle(organization), PublicNotice.resolved)
        case .maintenanceStarted:
            words = (PublicNotice.maintenanceTitle(organization), PublicNotice.maintenanceBegan(name))
        case .maintenanceEnded:
            words = (PublicNotice.maintenanceTitle(organization), PublicNotice.maintenanceEnded(name))
        case .runbookFailed, .failbackStarted, .failbackDone, .standbyUnhealthy, .standbyHealthy, .failbackAvailable,
            .flapBudgetExhausted, .paused, .resumed, .upstreamEdited, .agentFault, .agentFaultCleared, .upstreamUnreadable,
            .upstreamReadable, .hostUnreachable, .hostReachable, .loadBalancerCheckFailed, .upstreamAdopted, .backupListingFailed,
            .backupListed, .channelFailing, .channelRecovered, .preflightFailed, .preflightPassed, .drillStarted, .drillProgress,
            .drillReport, .incidentAcknowledged, .incidentEscalated, .maintenanceHeld, .clusterLost, .clusterRegained, .leaderChanged,
            .vantagesDisagree, .test:
            return nil
        }
        return RenderedMessage(
            title: words.title, text: words.text, fields: [], color: MessageRenderer.color(of: message.kind), link: statusPageURL)
    }
}
