/// The runbook: announce, pre-hook, start, gate, switch each load balancer, fence, post-hook, resolve.
extension ServiceStateMachine {
    /// Every step that would run to move traffic to `target`, assuming each succeeds.
    func plan(_ kind: RunbookKind, to target: Backend, skipGate: Bool, includePreHook: Bool = true) -> [RunbookStep] {
        var steps: [RunbookStep] = []
        if config.runbook.preHook && includePreHook { steps.append(.preHook(to: target)) }
        if config.settings(of: target).canStart { steps.append(.start(target)) }
        if !skipGate { steps.append(.gate(target)) }
        let layout = layout(servedBy: target)
        for (index, current) in state.upstreams.enumerated() where current != layout {
            steps.append(.switchUpstream(loadBalancer: index, to: layout))
        }
        if config.runbook.fenceOldActive && config.settings(of: target.other).canStop { steps.append(.fence(target.other)) }
        if config.runbook.postHook { steps.append(.postHook(to: target)) }
        return steps
    }

    /// The upstream that serves `target`: a warm standby is listed as nginx `backup` behind the
    /// primary, but only while its checks pass.
    func layout(servedBy target: Backend) -> UpstreamLayout {
        let backup = target == .primary && config.standbyMode == .warm && health(.standby) == .up
        return UpstreamLayout(active: target, backup: backup ? .standby : nil)
    }

    mutating func startRunbook(
        _ kind: RunbookKind, to target: Backend, automatic: Bool, skipGate: Bool,
        requestedBy: String?, cause: String, at now: Instant
    ) -> [Effect] {
        let source = target.other
        state.runbook = Runbook(
            kind: kind, target: target, automatic: automatic, skipGate: skipGate,
            steps: plan(kind, to: target, skipGate: skipGate), index: 0, attempt: 1,
            gateSuccesses: 0, gatePassed: false, previousLayouts: state.upstreams, pendingFailure: nil)
        state.failbackAvailableSaid = false
        if state.incident?.kind == .outage {
            // The outage stays the incident: it ends when the side moved to serves.
            let why = "\(target.rawValue) passes its checks; moving traffic to it"
            log(.moving(to: target, why: why), at: now)
            state.incident?.from = source
            state.incident?.to = target
            return [message(.incidentUpdate, reason: why, incident: state.incident, at: now)] + ensureProbing(target) + runCurrentStep(at: now)
        }
        let openedAt = kind == .failover && automatic ? (state.health[source]?.failingSince ?? now) : now
        openIncident(
            IncidentKind(kind), from: source, to: target, openedAt: openedAt, cause: cause,
            evidence: kind == .failover ? state.health[source]?.recentFailures ?? [] : [], requestedBy: requestedBy, gateSkipped: skipGate,
            at: now)
        var effects = [
            message(
                kind == .failover ? .incidentStarted : .failbackStarted,
                reason: skipGate ? "\(cause) (HEALTH GATE SKIPPED by \(requestedBy ?? "operator"))" : cause,
                incident: state.incident, at: now)
        ]
        effects += armIncidentTimers(at: now)
        effects += ensureProbing(target)
        return effects + runCurrentStep(at: now)
    }

    /// Starts the current step, skipping what need not run, or ends the runbook after the last.
    mutating func runCurrentStep(at now: Instant) -> [Effect] {
        guard var runbook = state.runbook else { return [] }
        guard var step = runbook.currentStep else { return finishRunbook(note: "done", at: now) }
        state.phase = runbook.phase(at: step)
        switch step {
        case .start(let backend) where health(backend) == .up:
            log(.stepSkipped(step, why: "\(backend.rawValue) is already healthy"), at: now)
            runbook.index += 1
            state.runbook = runbook
            return runCurrentStep(at: now)
        case .gate:
            runbook.gateSuccesses = 0
            runbook.gatePassed = false
            state.runbook = runbook
            log(.stepStarted(step), at: now)
            return [newTimer({ .stepDeadline(generation: $0) }, after: config.runbook.startTimeout, store: \.stepDeadline)]
        case .switchUpstream(let index, _):
            // The layout is decided now, with the warm standby's health as it is now.
            step = .switchUpstream(loadBalancer: index, to: layout(servedBy: runbook.target))
            runbook.steps[runbook.index] = step
            state.phase = runbook.phase(at: step)
            precondition(runbook.gatePassed || runbook.skipGate, "switching to \(runbook.target) without a passed gate: \(runbook)")
            runbook.previousLayouts[index] = state.upstreams[index]
        case .hold:
            state.runbook = runbook
            log(.stepStarted(step), at: now)
            return holdStarted(at: now)
        case .drain:
            state.runbook = runbook
            log(.stepStarted(step), at: now)
            return [newTimer({ .stepDeadline(generation: $0) }, after: config.runbook.drainTime, store: \.stepDeadline)]
        case .preHook, .start, .rollback, .fence, .postHook:
            break
        }
        state.runbook = runbook
        log(.stepStarted(step), at: now)
        return [
            newTimer({ .stepDeadline(generation: $0) }, after: config.runbook.stepTimeout, store: \.stepDeadline),
            .run(step),
        ]
    }

    /// One probe round of the target while it is gated.
    mutating func gateRound(passed: Bool, at now: Instant) -> [Effect] {
        guard var runbook = state.runbook, case .gate = runbook.currentStep else { return [] }
        runbook.gateSuccesses = passed ? runbook.gateSuccesses + 1 : 0
        state.runbook = runbook
        guard runbook.gateSuccesses >= config.detection.rise else { return [] }
        return stepFinished(.gate(runbook.target), .succeeded, at: now)
    }

    mutating func stepFinished(_ step: RunbookStep, _ outcome: StepOutcome, at now: Instant) -> [Effect] {
        // A late report (after its deadline, or of another attempt) changes nothing.
        guard isRunning, var runbook = state.runbook, runbook.currentStep == step else { return [] }
        state.timers.stepDeadline = nil
        switch outcome {
        case .failed(let cause):
            return stepFailed(step, cause: cause, retry: .fixed, at: now)
        case .failedOnHost(let cause, let host, let kind):
            return stepFailed(step, cause: cause, retry: kind.retryPlan(host: host), at: now)
        case .succeededReporting(let report):
            log(.stepSucceeded(step), at: now)
            log(.stepReported(step, report: report), at: now)
        case .succeeded:
            log(.stepSucceeded(step), at: now)
        }
        var said: [Effect] = []
        switch step {
        case .gate:
            runbook.gatePassed = true
        case .switchUpstream(let index, let layout):
            state.upstreams[index] = layout
            said = noteDrillSwitch(at: now)
        case .rollback(let index, let layout):
            state.upstreams[index] = layout
            state.runbook = runbook
            guard let failure = runbook.pendingFailure else { preconditionFailure("a rollback without a failure: \(runbook)") }
            return stuckOrFinding(failure.step, cause: failure.cause, retry: failure.retryPlan ?? .fixed, at: now)
        case .hold(let backend):
            state.runbook = runbook
            // (A primary that went down during the hold already made it a failover: see decideDuringDrill.)
            return startReturnLeg(why: "the drill's hold on \(backend.rawValue) ended", at: now)
        case .preHook, .start, .fence, .postHook, .drain:
            break
        }
        runbook.index += 1
        state.runbook = runbook
        return said + runCurrentStep(at: now)
    }

    /// A failed switch is rolled back first; anything else goes straight to `stuck`.
    mutating func stepFailed(_ step: RunbookStep, cause: String, retry: RetryPlan, at now: Instant) -> [Effect] {
        guard var runbook = state.runbook else { return [] }
        log(.stepFailed(step, cause: cause), at: now)
        switch step {
        case .switchUpstream(let index, _):
            guard let previous = runbook.previousLayouts[index] else {
                state.upstreams[index] = nil
                return stuckOrFinding(step, cause: "\(cause); its previous upstream is unknown, so it cannot be rolled back", retry: retry, at: now)
            }
            runbook.pendingFailure = Runbook.PendingFailure(step: step, cause: cause, retryPlan: retry)
            runbook.steps.insert(.rollback(loadBalancer: index, to: previous), at: runbook.index)
            state.runbook = runbook
            return runCurrentStep(at: now)
        case .rollback(let index, _):
            state.upstreams[index] = nil
            let original = runbook.pendingFailure ?? Runbook.PendingFailure(step: step, cause: cause)
            return stuckOrFinding(original.step, cause: "\(original.cause); ROLLBACK FAILED: \(cause)", retry: retry, at: now)
        case .preHook, .start, .gate, .fence, .postHook, .hold, .drain:
            return stuckOrFinding(step, cause: cause, retry: retry, at: now)
        }
    }

    /// A failed step of a drill is a finding (see `drillStepFailed`); of any other runbook, it waits.
    mutating func stuckOrFinding(_ step: RunbookStep, cause: String, retry plan: RetryPlan, at now: Instant) -> [Effect] {
        if state.runbook?.kind == .drill { return drillStepFailed(step, cause: cause, retry: plan, at: now) }
        return enterStuck(step, cause: cause, retry: plan, at: now)
    }

    /// The runbook waits: said once per failing step (a retry that fails the same way is only in
    /// the timeline), and tried again as the cause allows.
    mutating func enterStuck(_ step: RunbookStep, cause: String, retry plan: RetryPlan, at now: Instant) -> [Effect] {
        guard var runbook = state.runbook else { return [] }
        let trafficMoved = state.upstreams.contains { $0?.active == runbook.target }
        state.phase = .stuck(.runbookFailed(step: step, cause: cause, trafficMoved: trafficMoved))
        state.timers.stepDeadline = nil
        runbook.retryPlan = plan
        let (effects, next) = armRetry(plan, attempt: runbook.attempt)
        let said = runbook.saidFailure == step
        runbook.saidFailure = step
        state.runbook = runbook
        guard !said else { return effects }
        let whereTrafficIs =
            trafficMoved
            ? "some traffic already moved to \(runbook.target.rawValue) and stays there"
            : "traffic did not move"
        return [message(.runbookFailed, reason: "\(step) failed: \(cause); \(whereTrafficIs); \(next)", incident: state.incident, at: now)]
            + effects
    }

    /// The timer (and host watch) that tries a stuck runbook again, and what that means in words.
    mutating func armRetry(_ plan: RetryPlan, attempt: Int) -> (effects: [Effect], next: String) {
        switch (plan, config.runbook.retryInterval) {
        case (.watchHost(let host), let interval?):
            // The fixed interval stays as a floor in case the host never answers the watch.
            return (
                [.watchHost(host), newTimer({ .retry(generation: $0) }, after: interval, store: \.retry)],
                "Vigil retries as soon as \(host) answers"
            )
        case (.watchHost(let host), nil):
            return ([.watchHost(host)], "retries are off; Vigil says when \(host) answers again")
        case (.backoff, let interval?):
            let delay = min(backoff(round: attempt - 1), interval)
            return ([newTimer({ .retry(generation: $0) }, after: delay, store: \.retry)], "Vigil retries in \(DurationText.format(delay))")
        case (.fixed, let interval?):
            return ([newTimer({ .retry(generation: $0) }, after: interval, store: \.retry)], "Vigil retries every \(DurationText.format(interval))")
        case (.backoff, nil), (.fixed, nil):
            return ([], "retries are off: `vigil retry` tries again")
        }
    }

    /// A retry Vigil starts by itself (timer or host answer): never toward a side known down that
    /// it cannot start; that waits for the next round (the failure has been said).
    mutating func automaticRetry(at now: Instant) -> [Effect] {
        guard let runbook = state.runbook, case .stuck(.runbookFailed) = state.phase else { return [] }
        if health(runbook.target) == .down, !config.settings(of: runbook.target).canStart {
            state.timers.retry = nil
            return armRetry(.fixed, attempt: runbook.attempt).effects
        }
        return retryRunbook(at: now)
    }

    /// A new attempt of a stuck runbook, in the same incident: re-planned from what the load
    /// balancers serve now, gated again. The pre-hook is not repeated once traffic moved.
    mutating func retryRunbook(at now: Instant) -> [Effect] {
        guard case .stuck(.runbookFailed(_, _, let trafficMoved)) = state.phase else { return [] }
        state.timers.retry = nil
        return startNewAttempt(includePreHook: !trafficMoved, at: now)
    }

    /// The runbook again from what the load balancers serve now, with a fresh gate.
    mutating func startNewAttempt(includePreHook: Bool, at now: Instant) -> [Effect] {
        guard var runbook = state.runbook else { return [] }
        runbook.attempt += 1
        runbook.retryPlan = nil
        let steps: [RunbookStep]
        switch (runbook.kind, runbook.target) {
        case (.drill, .standby): steps = drillPlan(includePreHook: includePreHook)
        case (.drill, .primary): steps = drillReturnPlan(includePreHook: includePreHook)
        case (.failover, _), (.failback, _):
            steps = plan(runbook.kind, to: runbook.target, skipGate: runbook.skipGate, includePreHook: includePreHook)
        }
        runbook.restart(with: steps, servedNow: state.upstreams)
        state.runbook = runbook
        log(.retrying(attempt: runbook.attempt), at: now)
        return ensureProbing(runbook.target) + runCurrentStep(at: now)
    }

    /// The runbook is over: resolve its incident once, start the cooldown.
    mutating func finishRunbook(note: String, at now: Instant) -> [Effect] {
        guard let runbook = state.runbook else { return [] }
        state.runbook = nil
        // A drill asked for while paused leaves the service paused again.
        state.phase = state.pause == nil ? restingPhase : .paused
        let served = state.activeSide
        state.cooldownUntil = now + config.antiFlap.cooldown
        state.timers.stepDeadline = nil
        state.timers.retry = nil
        state.timers.reminder = nil
        state.timers.escalation = nil
        let kind: MessageKind
        var note = note
        switch state.incident?.kind {
        case .outage?:
            kind = .outageResolved
            let down = state.incident.map { DurationText.format(now - $0.openedAt) } ?? "?"
            note = "\((served ?? runbook.target).rawValue) serves; the service was down for \(down)"
        case .failover?, nil:
            kind = .incidentResolved
        case .failback?:
            kind = .failbackDone
        case .drill?:
            kind = .drillReport
            if let report = state.incident?.drillReport { note = "\(report)" + (note == "done" ? "" : "; \(note)") }
        }
        log(.resolved(note: note), at: now)
        state.incident?.resolvedAt = now
        let incident = state.incident
        state.lastIncident = incident
        state.incident = nil
        var effects = [message(kind, reason: note, incident: incident, at: now)]
        // A cold standby that no longer serves is no longer watched.
        for backend in Backend.allCases where !wantsProbes(backend) {
            if case .waiting = state.probes[backend] { stopProbing(backend) }
        }
        effects += startWatching()
        // The side now serving may have gone down while the runbook ran: decided at once.
        return effects + decide(at: now)
    }

    mutating func timerFired(_ timer: TimerID, at now: Instant) -> [Effect] {
        switch timer {
        case .probe(let backend, let generation):
            guard state.probes[backend] == .waiting(generation: generation) else { return [] }
            state.probes[backend] = .inFlight
            return [.probe(backend)]
        case .stepDeadline(let generation):
            guard state.timers.stepDeadline == generation, isRunning, let step = state.runbook?.currentStep else { return [] }
            state.timers.stepDeadline = nil
            switch step {
            case .hold, .drain:
                return stepFinished(step, .succeeded, at: now)  // their time is up: done
            case .gate(let backend):
                return stepFailed(
                    step,
                    cause: "\(backend.rawValue) did not pass \(config.detection.rise) consecutive checks "
                        + "within \(DurationText.format(config.runbook.startTimeout))", retry: .fixed, at: now)
            case .preHook, .start, .switchUpstream, .rollback, .fence, .postHook:
                return stepFailed(step, cause: "no result within \(DurationText.format(config.runbook.stepTimeout))", retry: .backoff, at: now)
            }
        case .retry(let generation):
            guard state.timers.retry == generation else { return [] }
            return automaticRetry(at: now)
        case .reminder(let generation):
            guard state.timers.reminder == generation else { return [] }
            return reminderDue(at: now)
        case .escalation(let generation):
            guard state.timers.escalation == generation else { return [] }
            return escalationDue(at: now)
        case .observeUpstreams(let generation):
            guard state.timers.observe == generation else { return [] }
            state.timers.observe = nil
            return [.observeUpstreams]
        case .hostCheck(let generation):
            guard state.timers.hostCheck == generation else { return [] }
            return hostCheckDue(at: now)
        case .preflight(let generation):
            guard state.timers.preflight == generation else { return [] }
            return preflightDue(at: now)
        case .backupListing(let generation):
            guard state.timers.backupListing == generation else { return [] }
            state.timers.backupListing = nil
            return keepBackupListed(at: now)
        case .pauseEnds(let generation):
            guard state.timers.pauseEnds == generation, let pause = state.pause else { return [] }
            return resume(by: pause.by, reason: "the pause requested by \(pause.by) ended", at: now)
        }
    }
}
