/// What an operator asks of the daemon.
public enum ControlCommand: String, Codable, Sendable, CaseIterable {
    case status
    case failover
    case failback
    case pause
    case resume
    /// Re-arms automatic runbooks after the flap budget held them.
    case rearm
    /// Take the open incident on: escalation and reminders stop, a page is acknowledged.
    case ack
    case retry
    /// A drill: to the standby, a hold, back to the primary, a report.
    case drill
    /// Checks what a failover needs without moving traffic.
    case preflight
    /// Planned maintenance: add, list or cancel a window (`maintenance` says which).
    case maintenance
}
