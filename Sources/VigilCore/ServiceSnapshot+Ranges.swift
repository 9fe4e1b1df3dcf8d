extension ServiceSnapshot {
    /// Counters a running service can never reach (2^48: a timer a microsecond for nine years);
    /// a saved value past it was written by something else, and would overflow once resumed.
    static let counterLimit = 1 << 48

    /// What in a saved snapshot is out of the range a running service produces, or nil. A
    /// snapshot with such a value is refused by name, never resumed.
    public var rangeProblem: String? {
        let limit = Self.counterLimit
        guard (1...limit).contains(timers.next) else { return "timers.next is \(timers.next)" }
        for (name, generation) in [
            ("stepDeadline", timers.stepDeadline), ("retry", timers.retry), ("reminder", timers.reminder), ("pauseEnds", timers.pauseEnds),
        ] {
            if let generation, !(0..<timers.next).contains(generation) { return "timers.\(name) is \(generation)" }
        }
        guard (0...limit).contains(incidentCount) else { return "incidentCount is \(incidentCount)" }
        for (backend, counters) in health {
            for (name, value) in [("consecutiveFailures", counters.consecutiveFailures), ("consecutiveSuccesses", counters.consecutiveSuccesses)]
            where !(0...limit).contains(value) {
                return "health.\(backend.rawValue).\(name) is \(value)"
            }
        }
        if let runbook {
            guard (0...runbook.steps.count).contains(runbook.index) else {
                return "runbook.index is \(runbook.index) of \(runbook.steps.count) steps"
            }
            guard (1...limit).contains(runbook.attempt) else { return "runbook.attempt is \(runbook.attempt)" }
            guard (0...limit).contains(runbook.gateSuccesses) else { return "runbook.gateSuccesses is \(runbook.gateSuccesses)" }
            guard runbook.previousLayouts.count == upstreams.count else {
                return "runbook.previousLayouts has \(runbook.previousLayouts.count) load balancers, upstreams \(upstreams.count)"
            }
        }
        return nil
    }
}
