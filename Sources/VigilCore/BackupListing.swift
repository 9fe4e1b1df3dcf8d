/// A rewrite of one load balancer's upstream, outside any runbook, that adds or drops the warm
/// standby's `backup` line while the primary serves.
public struct BackupListing: Equatable, Hashable, Sendable, Codable {
    /// The load balancer's index.
    public var loadBalancer: Int
    /// The layout being written.
    public var layout: UpstreamLayout

    /// A rewrite of load balancer `loadBalancer` to `layout`.
    public init(loadBalancer: Int, layout: UpstreamLayout) {
        self.loadBalancer = loadBalancer
        self.layout = layout
    }
}
