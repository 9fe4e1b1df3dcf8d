/// Whether traffic returns to the primary once it is healthy while the standby serves.
/// (A standby that fails while the primary is healthy is a failover back, whatever this says.)
public enum FailbackPolicy: Equatable, Hashable, Sendable, Codable {
    /// Say once that a failback is available after the primary has been healthy this long.
    case manual(after: Duration)
    /// Fail back by itself after the primary has been healthy this long.
    case automatic(after: Duration)
    case never

    /// How long the primary must have been healthy, unless the config says otherwise.
    public static let defaultDelay = Duration.seconds(300)
    /// Say when a failback is available, after the default delay.
    public static let `default` = FailbackPolicy.manual(after: defaultDelay)

    /// The same policy with another delay (`never` has none).
    public func delayed(_ after: Duration) -> FailbackPolicy {
        switch self {
        case .manual: .manual(after: after)
        case .automatic: .automatic(after: after)
        case .never: .never
        }
    }
}
