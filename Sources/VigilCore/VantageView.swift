/// What one agent's checks say of both sides, as it publishes it for the others.
public struct VantageView: Equatable, Hashable, Sendable, Codable {
    /// The agent whose checks these are.
    public var agent: String
    /// The primary's health as this agent judges it.
    public var primary: HealthStatus
    /// The standby's health as this agent judges it.
    public var standby: HealthStatus
    /// The last failed round's evidence, in words, while a side fails.
    public var evidence: String?
    /// When this view last changed.
    public var since: Instant

    /// `agent`'s view of both sides.
    public init(agent: String, primary: HealthStatus, standby: HealthStatus, evidence: String? = nil, since: Instant) {
        self.agent = agent
        self.primary = primary
        self.standby = standby
        self.evidence = evidence
        self.since = since
    }

    /// The health of `backend` in this view.
    public func health(of backend: Backend) -> HealthStatus {
        switch backend {
        case .primary: primary
        case .standby: standby
        }
    }

    /// The same judgement, whenever and with whatever evidence it was made.
    public func agrees(with other: VantageView) -> Bool { primary == other.primary && standby == other.standby }
}
