/// How a channel's worker delivers: spacing, retries, and when to give up.
public struct DeliveryPolicy: Sendable {
    /// At most one message per this interval per channel (Slack allows one a second).
    public var minimumSpacing: Duration = .seconds(1)
    public var firstRetryDelay: Duration = .seconds(1)
    public var maximumRetryDelay: Duration = .seconds(60)
    /// A message older than this is dropped with a log line.
    public var maximumAge: Duration = .seconds(24 * 3_600)
    public var requestTimeout: Duration = .seconds(10)

    public init() {}

    /// Exponential backoff with full jitter: a random wait up to `first · 2^(attempt−1)`, capped,
    /// but never less than half of it, so retries neither stampede nor stall.
    public func retryDelay(attempt: Int, random: Double) -> Duration {
        let exponent = min(max(0, attempt - 1), 20)
        let ceiling = min(maximumRetryDelay, firstRetryDelay * (1 << exponent))
        return ceiling * (0.5 + 0.5 * min(max(random, 0), 1))
    }
}
