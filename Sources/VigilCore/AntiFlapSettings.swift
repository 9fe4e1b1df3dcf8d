/// Limits on automatic failovers, after Patroni's and orchestrator's anti-flap periods.
public struct AntiFlapSettings: Equatable, Hashable, Sendable, Codable {
    /// After a runbook ends, no automatic one starts for this long.
    public var cooldown: Duration = .seconds(300)
    /// At most this many automatic runbooks start within `window`; one more holds the service
    /// (`stuck`) until an operator acknowledges.
    public var budget: Int = 3
    /// The span the budget counts automatic runbooks over.
    public var window: Duration = .seconds(3_600)

    /// The defaults: a 5 minute cooldown, 3 automatic runbooks an hour.
    public init() {}
}
