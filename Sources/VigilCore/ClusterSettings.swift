/// A service's part in a cluster of agents (`cluster:` in the config): who this agent is and how
/// many vantage points must see a side down before an automatic failover leaves it.
public struct ClusterSettings: Equatable, Hashable, Sendable, Codable {
    /// This agent's name in the cluster (`lb1`), as the views and messages say it.
    public var agent: String
    /// How many live agents must see the serving side down; nil: a majority of the live ones.
    public var confirm: Int?
    /// How long the leader waits for the others' checks to judge before it says that the vantage
    /// points disagree (they judge on their own clocks, a round or two apart).
    public var confirmGrace: Duration

    /// This agent `agent`; `confirm` nil for a majority.
    public init(agent: String, confirm: Int? = nil, confirmGrace: Duration = .seconds(5)) {
        self.agent = agent
        self.confirm = confirm
        self.confirmGrace = confirmGrace
    }

    /// How many agents must agree, of `live`.
    public func needed(live: Int) -> Int { confirm ?? (live / 2 + 1) }
}
