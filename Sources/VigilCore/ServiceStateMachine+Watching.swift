/// Probe loops, hysteresis, and the decisions health changes lead to.
extension ServiceStateMachine {
    /// Whether a backend's health is being watched now.
    func wantsProbes(_ backend: Backend) -> Bool {
        switch backend {
        case .primary:
            return true
        case .standby:
            return config.standbyMode == .warm || config.standby.watchedWhileIdle
                || state.upstreams.contains { $0?.active == .standby }
                || state.runbook != nil || state.isInOutage
        }
    }

    mutating func startWatching() -> [Effect] {
        Backend.allCases.flatMap { ensureProbing($0) }
    }

    /// Starts the backend's probe loop if it is wanted and not running.
    mutating func ensureProbing(_ backend: Backend) -> [Effect] {
        guard wantsProbes(backend), state.probes[backend] == .idle else { return [] }
        state.probes[backend] = .inFlight
        return [.probe(backend)]
    }

    /// Ends a backend's probe loop. What was known of its health goes stale from here, so it is
    /// forgotten: a later start must not be skipped on old news.
    mutating func stopProbing(_ backend: Backend) {
        state.probes[backend] = .idle
        state.health[backend] = BackendHealth()
        if backend == .standby { state.standbyWarningRaised = false }
    }

    mutating func probeFinished(_ backend: Backend, _ outcomes: [ProbeOutcome], at now: Instant) -> [Effect] {
        if let fault = Self.localFault(in: outcomes) { return agentFault(fault, of: backend, at: now) }
        var effects: [Effect] = []
        if state.agentFault != nil {
            state.agentFault = nil
            effects.append(message(.agentFaultCleared, reason: "the checks run again on this host", at: now))
        }
        let change = state.health[backend, default: BackendHealth()]
            .record(outcomes, of: backend, at: now, settings: config.detection)
        let gated = state.runbook?.currentStep == .gate(backend)
        let passed = config.detection.combination.passes(outcomes)
        recordDrillRound(backend, outcomes, passed: passed)
        if state.probes[backend] == .inFlight {
            if wantsProbes(backend) {
                let detection = config.detection
                let interval =
                    gated
                    ? (passed ? detection.fastInterval : min(detection.gatePollInterval, detection.fastInterval))
                    : state.health[backend, default: BackendHealth()].nextInterval(detection)
                let generation = nextGeneration()
                state.probes[backend] = .waiting(generation: generation)
                effects.append(.schedule(.probe(backend, generation: generation), after: interval))
            } else {
                stopProbing(backend)
            }
        }
        if gated, isRunning {
            effects += gateRound(passed: passed, at: now)
        }
        effects += noteChange(change, of: backend, at: now)
        effects += decide(at: now)
        return effects
    }

    /// A round with a check that could not be run here says nothing of the backend: it is not
    /// recorded (no hysteresis, no gate pass, no failover), said once, and retried soon.
    private mutating func agentFault(_ fault: String, of backend: Backend, at now: Instant) -> [Effect] {
        var effects: [Effect] = []
        if state.probes[backend] == .inFlight {
            if wantsProbes(backend) {
                let generation = nextGeneration()
                state.probes[backend] = .waiting(generation: generation)
                effects.append(.schedule(.probe(backend, generation: generation), after: config.detection.fastInterval))
            } else {
                stopProbing(backend)
            }
        }
        guard state.agentFault == nil else { return effects }
        state.agentFault = fault
        let reason =
            "the checks of \(backend.rawValue) cannot run on this host (\(fault)); no backend is judged and no failover can start until they can"
        return effects + [message(.agentFault, reason: reason, at: now)]
    }

    static func localFault(in outcomes: [ProbeOutcome]) -> String? {
        for case .failed(.local(let cause)) in outcomes { return cause }
        return nil
    }

    var isRunning: Bool { state.phase.isRunningRunbook }

    /// Warnings about the side that does not serve; they never open an incident.
    private mutating func noteChange(_ change: BackendHealth.Change?, of backend: Backend, at now: Instant) -> [Effect] {
        guard let change else { return [] }
        switch (backend, change) {
        // Only a standby that is meant to be up while it waits is worth a warning: a cold one is
        // down by design until a runbook starts it.
        case (.standby, .wentDown)
        where state.activeSide == .primary && state.runbook == nil && !state.standbyWarningRaised
            && (config.standbyMode == .warm || config.standby.watchedWhileIdle):
            state.standbyWarningRaised = true
            let evidence = state.health[.standby]?.recentFailures.last.map(Self.summary) ?? "checks failed"
            return [message(.standbyUnhealthy, reason: evidence, from: .standby, at: now)]
        case (.standby, .cameUp) where state.standbyWarningRaised:
            state.standbyWarningRaised = false
            return [message(.standbyHealthy, reason: "the standby passes its checks again", from: .standby, at: now)]
        case (.primary, .wentDown):
            state.failbackAvailableSaid = false
            return []
        case (.standby, _), (.primary, .cameUp):
            return []
        }
    }

    /// What the health of both sides calls for, given the phase.
    mutating func decide(at now: Instant) -> [Effect] {
        // In a cluster only the leader acts; the others watch and publish their views.
        guard cluster.mayAct else { return [] }
        switch state.phase {
        case .paused, .failingOver, .failingBack:
            return []
        case .drilling:
            return decideDuringDrill(at: now)
        case .stuck where state.runbook?.kind == .drill:
            return decideDuringDrill(at: now)
        case .stuck(let reason):
            return recoverWithoutFailover(reason, at: now)
        case .primaryActive:
            // A backup-line rewrite in flight finishes first: two writes never race on one file.
            guard state.backupListing == nil else { return [] }
            let effects = decideServing(.primary, at: now)
            return effects.isEmpty ? keepBackupListed(at: now) : effects
        case .secondaryActive:
            return decideServing(.standby, at: now)
        }
    }

    /// While `serving` serves and no runbook runs: a serving side that is down is moved away from
    /// when the other side is healthy (or a cold standby can be started and gated); when the
    /// other side is down too, that is an outage, said and watched until either side is back.
    private mutating func decideServing(_ serving: Backend, at now: Instant) -> [Effect] {
        let other = serving.other
        if state.isInOutage {
            if health(serving) == .up { return endOutage(servedBy: serving, at: now) }
            guard health(other) == .up else { return [] }
            return automaticRunbook(.failover, to: other, at: now)
        }
        guard health(serving) == .down else {
            return serving == .standby ? considerFailback(at: now) : []
        }
        switch health(other) {
        case .up:
            return automaticRunbook(.failover, to: other, at: now)
        case _ where other == .standby && config.standbyMode == .cold && config.standby.canStart:
            // A cold standby is down by design until the runbook starts it, then gates it.
            return automaticRunbook(.failover, to: other, at: now)
        case .unknown where !wantsProbes(other):
            // A standby not watched while idle is judged by the runbook's gate.
            return automaticRunbook(.failover, to: other, at: now)
        case .down, .unknown:
            // Watched and not healthy (or not yet judged): nothing healthy to serve until it is.
            return startOutage(serving: serving, at: now)
        }
    }

    /// Nothing healthy to serve: an incident of its own, said with the evidence of both sides,
    /// reminded, and ended by whichever side comes back first.
    private mutating func startOutage(serving: Backend, at now: Instant) -> [Effect] {
        let evidence = [serving, serving.other].compactMap { state.health[$0]?.recentFailures.last }
        let cause = "nothing healthy to serve: " + evidence.map(Self.summary).joined(separator: "; ")
        openIncident(
            .outage, from: serving, to: serving.other, openedAt: state.health[serving]?.failingSince ?? now, cause: cause, evidence: evidence,
            at: now)
        var effects = [
            message(
                .outageStarted,
                reason: "\(cause). The upstream stays on \(serving.rawValue); Vigil serves from whichever side passes its checks first",
                incident: state.incident, at: now)
        ]
        return effects + armIncidentTimers(at: now) + startWatching()
    }

    /// The side that served is back: the outage ends without a switch.
    private mutating func endOutage(servedBy serving: Backend, at now: Instant) -> [Effect] {
        guard let incident = state.incident else { return [] }
        let note = "\(serving.rawValue) passes its checks again; the service was down for \(DurationText.format(now - incident.openedAt))"
        log(.resolved(note: note), at: now)
        state.incident?.to = serving
        state.incident?.resolvedAt = now
        state.lastIncident = state.incident
        state.incident = nil
        state.timers.reminder = nil
        state.timers.escalation = nil
        let effects = [message(.outageResolved, reason: note, incident: state.lastIncident, at: now)]
        // A cold standby that no longer serves is no longer watched.
        for backend in Backend.allCases where !wantsProbes(backend) {
            if case .waiting = state.probes[backend] { stopProbing(backend) }
        }
        return effects
    }

    func health(_ backend: Backend) -> HealthStatus { state.health[backend]?.status ?? .unknown }

    /// A runbook that failed before traffic moved, whose failed side has come back: nothing is
    /// left to do; the incident ends without a failover.
    private mutating func recoverWithoutFailover(_ reason: StuckReason, at now: Instant) -> [Effect] {
        // An outage held by the flap budget ends when the side that serves is back.
        if state.isInOutage, let serving = state.activeSide, health(serving) == .up {
            state.phase = restingPhase
            return endOutage(servedBy: serving, at: now)
        }
        guard case .runbookFailed(_, _, trafficMoved: false) = reason, let runbook = state.runbook,
            runbook.kind == .failover, health(runbook.source) == .up, state.activeSide == runbook.source
        else { return [] }
        state.timers.retry = nil
        return finishRunbook(note: "\(runbook.source.rawValue) recovered before traffic moved; no failover", at: now)
    }

    private mutating func considerFailback(at now: Instant) -> [Effect] {
        guard health(.primary) == .up, let upSince = state.health[.primary]?.upSince else { return [] }
        switch config.failback {
        case .never:
            return []
        case .manual(let after):
            guard now - upSince >= after, !state.failbackAvailableSaid else { return [] }
            state.failbackAvailableSaid = true
            return [
                message(
                    .failbackAvailable,
                    reason: "the primary has been healthy for \(DurationText.format(now - upSince)); run `vigil failback`",
                    from: .standby, to: .primary, at: now)
            ]
        case .automatic(let after):
            guard now - upSince >= after else { return [] }
            return automaticRunbook(.failback, to: .primary, at: now)
        }
    }

    /// Starts a runbook that detection asked for, within the flap budget. The cooldown only
    /// holds a move away from a healthy side (a failback): a move away from a side that is down
    /// is never held by it, since waiting would leave the service down for its length.
    private mutating func automaticRunbook(_ kind: RunbookKind, to target: Backend, at now: Instant) -> [Effect] {
        if let held = heldByMaintenance(kind, to: target, at: now) { return held }
        let leavingADownSide = health(target.other) == .down
        if leavingADownSide, let held = heldForConfirmation(leaving: target.other, at: now) { return held }
        if !leavingADownSide, let until = state.cooldownUntil, now < until { return [] }
        let recent = state.automaticStarts.filter { now - $0 < config.antiFlap.window }
        state.automaticStarts = recent
        guard recent.count < config.antiFlap.budget else {
            state.phase = .stuck(.flapBudgetExhausted)
            return [
                message(
                    .flapBudgetExhausted,
                    reason: (leavingADownSide ? "\(target.other.rawValue), which serves, is down; " : "")
                        + "automatic moves are held by the flap budget (\(recent.count) runbooks within "
                        + "\(DurationText.format(config.antiFlap.window))). `vigil \(kind == .failover ? "failover" : "failback") --force` "
                        + "moves now; `vigil rearm` re-arms",
                    from: target.other, to: target, at: now)
            ]
        }
        state.automaticStarts.append(now)
        let cause =
            state.health[target.other]?.recentFailures.last.map(Self.summary)
            ?? "\(target.other.rawValue) is down"
        return startRunbook(kind, to: target, automatic: true, skipGate: false, requestedBy: nil, cause: cause, at: now)
    }

    static func summary(_ evidence: ProbeEvidence) -> String {
        let failures = evidence.outcomes.compactMap { outcome -> String? in
            guard case .failed(let failure) = outcome else { return nil }
            return "\(failure)"
        }
        return "\(evidence.backend.rawValue): " + (failures.isEmpty ? "too few probes passed" : failures.joined(separator: ", "))
    }
}
