/// What a drill measured and found, kept in its incident (and so in the incident history).
public struct DrillRecord: Equatable, Hashable, Sendable, Codable {
    /// How long the standby was to serve.
    public var hold: Duration
    /// When every load balancer served the standby (the drill's time to recover ends here).
    public var standbyServingAt: Instant?
    /// When traffic was back on the primary everywhere.
    public var primaryBackAt: Instant?
    /// The primary's checks from the start of the drill until traffic left it.
    public var primaryBefore = LatencySummary()
    /// The standby's checks while it served in the hold.
    public var standbyDuringHold = LatencySummary()
    /// The standby's failed check rounds during the hold.
    public var failedChecksDuringHold = 0
    /// Whatever went wrong, in words, in order. Empty: the drill passed.
    public var findings: [String] = []
    /// The drill turned into a real failover (the primary failed during it).
    public var becameFailover = false

    /// A drill about to start, holding the standby for `hold`.
    public init(hold: Duration) {
        self.hold = hold
    }

    /// Nothing went wrong.
    public var passed: Bool { findings.isEmpty && !becameFailover }
}
