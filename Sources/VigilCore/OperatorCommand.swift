/// What an operator can ask of a service.
public enum OperatorCommand: Equatable, Hashable, Sendable, Codable {
    /// Move traffic to the standby now: skips hysteresis, cooldown and the flap budget, never the
    /// standby's health gate unless `skipGate` says so explicitly. `dryRun` returns the plan only.
    case failover(skipGate: Bool, dryRun: Bool)
    /// Move traffic back to the primary now (same rules).
    case failback(skipGate: Bool, dryRun: Bool)
    case pause(until: Instant?)
    case resume
    /// Clear a flap-budget hold (`vigil rearm`; the case keeps the command's old name so saved
    /// timelines still read).
    case acknowledge
    /// Take the open incident on (`vigil ack`): recorded in its timeline, escalation and
    /// reminders stop, and a page is acknowledged.
    case acknowledgeIncident
    /// Retry a stuck runbook now.
    case retry
    /// Rehearse the failover: to the standby, `hold` while it serves, back to the primary, then
    /// a report. Never during an incident; while paused only with `whilePaused`.
    case drill(hold: Duration, whilePaused: Bool, dryRun: Bool)
}
