import Foundation

/// One channel's queue as the status page and `/metrics` show it.
public struct OutboxState: Sendable, Equatable {
    public var channel: String
    /// Messages waiting to be delivered.
    public var pending: Int
    /// When the oldest waiting message was queued.
    public var oldest: Date?
    /// It has delivered nothing for its `alarm_after` while messages wait.
    public var failing: Bool
}
