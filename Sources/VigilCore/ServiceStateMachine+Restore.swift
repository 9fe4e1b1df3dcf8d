/// Restart: the snapshot plus what the load balancers serve now (after the agent made nginx's
/// loaded config match each file) decide whether to resume, roll back or carry on. Nothing is
/// guessed: what cannot be explained waits for an operator.
extension ServiceStateMachine {
    /// The machine after a restart, and the effects that resume it.
    /// - Parameters:
    ///   - config: the service's settings now.
    ///   - snapshot: what was saved before the restart.
    ///   - observed: what each load balancer's file names now, after nginx was made to match it (nil: neither backend).
    ///   - now: the instant of the restart.
    /// - Returns: the machine and the effects to run first (a `.persist` leads).
    public static func restore(
        config: ServiceConfig, snapshot: ServiceSnapshot, observed: [UpstreamLayout?],
        at now: Instant
    ) -> (ServiceStateMachine, [Effect]) {
        restore(config: config, snapshot: snapshot, observations: observed.map(UpstreamObservation.init), at: now)
    }

    /// The machine after a restart, from what reading each upstream file found. A file that
    /// cannot be read leaves a resting service stuck until it can (said, and read again with
    /// backoff); a runbook that was in flight waits for an operator, since its step's outcome
    /// cannot be known.
    public static func restore(
        config: ServiceConfig, snapshot saved: ServiceSnapshot, observations: [UpstreamObservation],
        at now: Instant
    ) -> (ServiceStateMachine, [Effect]) {
        let observed = observations.map(\.layout)
        guard let snapshot = saved.migrated() else {
            var machine = ServiceStateMachine(config: config, upstreams: observed)
            machine.state.phase = .stuck(
                .reconcileFailed(
                    "the saved state has version \(saved.version); "
                        + "this Vigil reads version \(ServiceSnapshot.currentVersion)"))
            let watching = machine.startWatching()
            return (machine, [.persist(machine.state)] + watching)
        }
        var machine = ServiceStateMachine(config: config, state: snapshot)
        // Timers and probes in flight died with the old process.
        machine.state.timers = ServiceSnapshot.Timers(next: snapshot.timers.next)
        machine.state.probes = [.primary: .idle, .standby: .idle]
        // A backup-line rewrite that was in flight may or may not have landed: the file says.
        if let listing = machine.state.backupListing {
            if observed.indices.contains(listing.loadBalancer), observed[listing.loadBalancer] == listing.layout {
                machine.state.upstreams[listing.loadBalancer] = listing.layout
            }
            machine.state.backupListing = nil
        }
        // Mutations first, then the tuple: the machine returned must be the one the effects came from.
        var effects: [Effect] = []
        if let problem = machine.problem(in: observations) {
            // A problem said before the restart is not said again: its re-reads go on.
            if machine.state.upstreamProblem == nil { machine.state.upstreamRereads = 0 }
            switch machine.state.phase {
            case .primaryActive, .secondaryActive, .stuck(.reconcileFailed):
                machine.state.phase = .stuck(.reconcileFailed(problem))
            case .failingOver, .failingBack, .stuck, .paused, .drilling:
                effects += machine.reconcile(observed: observed, at: now)
            }
            effects += machine.noteUpstreamProblem(problem, at: now)
        } else {
            if let cleared = machine.state.upstreamProblem {
                // The problem said before the restart is gone: said too, once.
                machine.state.upstreamProblem = nil
                machine.state.upstreamRereads = 0
                effects.append(
                    machine.message(.upstreamReadable, reason: "the upstream files can be read again (before the restart: \(cleared))", at: now))
            }
            effects += machine.reconcile(observed: observed, at: now)
        }
        effects += machine.startWatching() + machine.hostCheckDue(at: now) + machine.preflightDue(at: now) + machine.armIncidentTimers(at: now)
        return (machine, [.persist(machine.state)] + effects)
    }

    private mutating func reconcile(observed: [UpstreamLayout?], at now: Instant) -> [Effect] {
        guard observed.count == state.upstreams.count else {
            return hold("\(observed.count) load balancers observed, \(state.upstreams.count) in the saved state")
        }
        let mismatches = observed.indices.filter { observed[$0] != state.upstreams[$0] }
        guard let runbook = state.runbook, isRunning, let step = runbook.currentStep else {
            guard mismatches.isEmpty else { return hold(describeDrift(mismatches, observed)) }
            switch state.phase {
            case .stuck(.runbookFailed):
                guard let runbook = state.runbook else { return [] }
                return armRetry(runbook.retryPlan ?? .fixed, attempt: runbook.attempt).effects
            case .paused:
                guard let until = state.pause?.until else { return [] }
                return [newTimer({ .pauseEnds(generation: $0) }, after: max(.zero, until - now), store: \.pauseEnds)]
            case .primaryActive, .secondaryActive, .stuck, .failingOver, .failingBack, .drilling:
                return []
            }
        }
        switch step {
        case .switchUpstream(let index, let layout):
            // The step in flight may or may not have landed; what nginx serves says which.
            guard mismatches.allSatisfy({ $0 == index }), observed[index] == layout || observed[index] == state.upstreams[index] else {
                return hold(describeDrift(mismatches, observed))
            }
            if observed[index] == layout {
                state.upstreams[index] = layout
                log(.stepSucceeded(step), at: now)
            }
            // Whatever landed, the target is gated again before more traffic moves to it.
            return startNewAttempt(includePreHook: false, at: now)
        case .rollback(let index, let layout):
            guard mismatches.allSatisfy({ $0 == index }) else { return hold(describeDrift(mismatches, observed)) }
            if observed[index] == layout {
                state.upstreams[index] = layout
                log(.stepSucceeded(step), at: now)
                let failure = runbook.pendingFailure ?? Runbook.PendingFailure(step: step, cause: "interrupted by a restart")
                return stuckOrFinding(failure.step, cause: failure.cause, retry: failure.retryPlan ?? .fixed, at: now)
            }
            return runCurrentStep(at: now)  // the file still names the failed target: roll back again
        case .hold, .drain:
            guard mismatches.isEmpty else { return hold(describeDrift(mismatches, observed)) }
            return runCurrentStep(at: now)  // the hold goes on for what is left of it; the drain starts again
        case .preHook, .start, .gate, .fence, .postHook:
            guard mismatches.isEmpty else { return hold(describeDrift(mismatches, observed)) }
            return runCurrentStep(at: now)  // its outcome is unknown; these steps are run again
        }
    }

    private mutating func hold(_ why: String) -> [Effect] {
        state.phase = .stuck(.reconcileFailed(why))
        state.timers.stepDeadline = nil
        return [
            message(
                .runbookFailed, reason: "after a restart: \(why); not acting until an operator looks",
                incident: state.incident, at: state.incident?.openedAt ?? .zero)
        ]
    }
}
