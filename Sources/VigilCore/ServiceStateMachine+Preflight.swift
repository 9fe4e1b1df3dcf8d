/// Preflight: what a failover needs, checked without moving traffic, at start and every
/// `preflightInterval`. A failover that would fail is a service that is not protected: said once
/// when findings appear (again when they change), and when they clear.
extension ServiceStateMachine {
    /// While the preflight finds something, it runs at least this often: what it found may be
    /// mended any minute, and the service is shown unprotected until it runs again.
    static let preflightRetry = Duration.seconds(30)

    /// Runs a preflight now (not during a runbook: it would only race it) and schedules the next.
    mutating func preflightDue(at now: Instant) -> [Effect] {
        guard let interval = config.preflightInterval else { return [] }
        let next = newTimer({ .preflight(generation: $0) }, after: nextPreflight(interval), store: \.preflight)
        return isRunning ? [next] : [.preflight, next]
    }

    private func nextPreflight(_ interval: Duration) -> Duration {
        state.preflightFindings.isEmpty ? interval : min(interval, Self.preflightRetry)
    }

    /// Something a finding may have been about came back (a host answers, the files can be
    /// read): the preflight runs again now rather than at its next time.
    mutating func preflightAgainIfFailing() -> [Effect] {
        guard config.preflightInterval != nil, !state.preflightFindings.isEmpty, !isRunning else { return [] }
        return [.preflight]
    }

    mutating func preflightFinished(_ findings: [String], at now: Instant) -> [Effect] {
        let before = state.preflightFindings
        guard findings != before else { return [] }
        state.preflightFindings = findings
        var effects: [Effect] = []
        if before.isEmpty, let interval = config.preflightInterval {
            // Found something: look again soon, not at the next hour.
            effects.append(newTimer({ .preflight(generation: $0) }, after: nextPreflight(interval), store: \.preflight))
        }
        if findings.isEmpty {
            return effects + [message(.preflightPassed, reason: "the preflight passes again: a failover would find what it needs", at: now)]
        }
        let reason = "a failover now would fail: " + findings.joined(separator: "; ")
        return effects + [message(.preflightFailed, reason: reason, at: now)]
    }
}
