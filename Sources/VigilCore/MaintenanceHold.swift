/// A planned-maintenance window in force for a service: no automatic runbook starts until it
/// ends; operator commands (a forced failover, a failback, a drill) still run.
public struct MaintenanceHold: Equatable, Hashable, Sendable, Codable {
    /// The window's id (`config-1`, `m-3`), as `vigil maintenance list` shows it.
    public var id: String
    /// When it ends.
    public var until: Instant
    /// Why, in the operator's words.
    public var reason: String
    /// A failure it held back was said (once a window).
    public var heldSaid = false

    /// The window `id`, in force until `until`, for `reason`.
    public init(id: String, until: Instant, reason: String) {
        self.id = id
        self.until = until
        self.reason = reason
    }
}
