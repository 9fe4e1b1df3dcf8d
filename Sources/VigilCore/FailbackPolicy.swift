/// Whether traffic returns to the primary once it is healthy while the standby serves.
/// (A standby that fails while the primary is healthy is a failover back, whatever this says.)
public enum FailbackPolicy: Equatable, Hashable, Sendable, Codable {
    /// Say once that a failback is available after the primary has been healthy this long.
    case manual(after: Duration)
    /// Fail back by itself after the primary has been healthy this long.
    case automatic(after: Duration)
    case never

    public static let `default` = FailbackPolicy.manual(after: .seconds(300))
}
