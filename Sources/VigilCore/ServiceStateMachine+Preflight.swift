/// Preflight: what a failover needs, checked without moving traffic, at start and every
/// `preflightInterval`. A failover that would fail is a service that is not protected: said once
/// when findings appear (again when they change), and when they clear.
extension ServiceStateMachine {
    /// Runs a preflight now (not during a runbook: it would only race it) and schedules the next.
    mutating func preflightDue(at now: Instant) -> [Effect] {
        guard let interval = config.preflightInterval else { return [] }
        let next = newTimer({ .preflight(generation: $0) }, after: interval, store: \.preflight)
        return isRunning ? [next] : [.preflight, next]
    }

    mutating func preflightFinished(_ findings: [String], at now: Instant) -> [Effect] {
        let before = state.preflightFindings
        guard findings != before else { return [] }
        state.preflightFindings = findings
        if findings.isEmpty {
            return [message(.preflightPassed, reason: "the preflight passes again: a failover would find what it needs", at: now)]
        }
        let reason = "a failover now would fail: " + findings.joined(separator: "; ")
        return [message(.preflightFailed, reason: reason, at: now)]
    }
}
