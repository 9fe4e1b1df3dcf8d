/// How one delivery attempt ended, as metrics count it.
public enum DeliveryOutcome: String, Sendable {
    case delivered
    /// The receiver refused it for good, or it grew too old: it is gone.
    case dropped
    /// Not delivered this time; it stays queued.
    case failed
}
