/// Planned maintenance: a hold of its own beside `pause`. A pause refuses every runbook; a
/// maintenance window only holds the automatic ones, since an operator who asks for a failover,
/// a failback or a drill during the window means it.
extension ServiceStateMachine {
    /// The window in force changed (the agent's schedule says when): begun, ended, or the next.
    mutating func maintenanceChanged(_ hold: MaintenanceHold?, at now: Instant) -> [Effect] {
        guard let previous = state.maintenance else {
            guard let hold else { return [] }
            return begin(hold, at: now)
        }
        if let hold, hold.id == previous.id {
            // The same window, perhaps moved or reworded: kept, without a message.
            state.maintenance?.until = hold.until
            state.maintenance?.reason = hold.reason
            return []
        }
        state.maintenance = nil
        var effects = [
            message(
                .maintenanceEnded,
                reason: "planned maintenance \(previous.id) ended (\(previous.reason.escapingControlCharacters)); "
                    + "automatic runbooks are armed again", at: now)
        ]
        if let hold { return effects + begin(hold, at: now) }
        // What happened meanwhile is acted on now: a primary that went down fails over.
        effects += decide(at: now)
        return effects
    }

    private mutating func begin(_ hold: MaintenanceHold, at now: Instant) -> [Effect] {
        var hold = hold
        hold.heldSaid = false
        state.maintenance = hold
        return [
            message(
                .maintenanceStarted,
                reason: "planned maintenance \(hold.id) until \(hold.until.utcMinute): \(hold.reason.escapingControlCharacters). "
                    + "No automatic failover or failback starts until it ends; `vigil failover --force`, "
                    + "`vigil failback` and drills still run", at: now)
        ]
    }

    /// Inside a window an automatic runbook does not start; the first one held is said.
    mutating func heldByMaintenance(_ kind: RunbookKind, to target: Backend, at now: Instant) -> [Effect]? {
        guard let hold = state.maintenance else { return nil }
        guard !hold.heldSaid else { return [] }
        state.maintenance?.heldSaid = true
        let command = kind == .failover ? "failover" : "failback"
        return [
            message(
                .maintenanceHeld,
                reason: "\(kind == .failover ? "\(target.other.rawValue) is down, but " : "")planned maintenance \(hold.id) "
                    + "holds the automatic \(command) until \(hold.until.utcMinute); `vigil \(command) --force` moves now, "
                    + "and it starts by itself when the window ends if it is still needed",
                from: target.other, to: target, at: now)
        ]
    }
}
