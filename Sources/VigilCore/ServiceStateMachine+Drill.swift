/// Drills: an announced failover to the standby through the whole runbook, a hold while it
/// serves, a failback through the primary's gate, and a report. A failure is a finding, not an
/// outage: before the switch nothing moved; after it, traffic goes back to the primary when it is
/// healthy. The primary failing during a drill makes it a real failover, said as one.
extension ServiceStateMachine {
    mutating func requestDrill(_ request: OperatorRequest, hold: Duration, whilePaused: Bool, dryRun: Bool, at now: Instant) -> [Effect] {
        func refuse(_ why: String) -> [Effect] { [.answer(.refused(request.command, why: why))] }
        switch state.phase {
        case .primaryActive:
            break
        case .paused where state.pause?.previous == .primaryActive:
            guard whilePaused else { return refuse("\(config.name) is paused; a drill runs while paused only with --while-paused") }
        case .paused, .secondaryActive, .failingOver, .failingBack, .stuck, .drilling:
            return refuse("\(config.name) is \(Self.describe(state.phase)); a drill starts only while the primary serves and no runbook runs")
        }
        if let incident = state.incident { return refuse("\(incident.id) is open; a drill never runs during an incident") }
        guard health(.primary) == .up else {
            return refuse("the primary is not healthy (\(health(.primary))); a drill needs a healthy side to come back to")
        }
        if let listing = state.backupListing {
            return refuse("\(config.loadBalancers[listing.loadBalancer])'s backup line is being rewritten; try again in a few seconds")
        }
        guard hold > .zero else { return refuse("a drill's hold must be longer than zero") }
        if dryRun { return [.answer(.plan(request.command, steps: drillPlan()))] }

        let cause = "DRILL by \(request.by): \(request.reason.escapingControlCharacters)"
        state.runbook = Runbook(
            kind: .drill, target: .standby, automatic: false, skipGate: false, steps: drillPlan(), index: 0, attempt: 1,
            gateSuccesses: 0, gatePassed: false, previousLayouts: state.upstreams, pendingFailure: nil)
        state.failbackAvailableSaid = false
        openIncident(.drill, from: .primary, to: .standby, openedAt: now, cause: cause, requestedBy: request.by, at: now)
        state.incident?.drill = DrillRecord(hold: hold)
        log(.operatorRequested(request.command, by: request.by, reason: request.reason), at: now)
        let announcement =
            "DRILL: a rehearsed failover to the standby, a hold of \(DurationText.format(hold)) while it serves, then back to the primary "
            + "(requested by \(request.by): \(request.reason.escapingControlCharacters)). Not an incident"
        return [.answer(.accepted(request.command)), message(.drillStarted, reason: announcement, incident: state.incident, at: now)]
            + ensureProbing(.standby) + runCurrentStep(at: now)
    }

    /// The first leg: the failover runbook to the standby, without fencing the primary, then the hold.
    func drillPlan(includePreHook: Bool = true) -> [RunbookStep] {
        let failover = plan(.failover, to: .standby, skipGate: false, includePreHook: includePreHook).filter {
            if case .fence = $0 { false } else { true }
        }
        return failover + [.hold(.standby)]
    }

    /// The second leg: the failback runbook to the primary; before the standby is fenced, nginx's
    /// old workers drain.
    func drillReturnPlan(includePreHook: Bool) -> [RunbookStep] {
        plan(.failback, to: .primary, skipGate: false, includePreHook: includePreHook).flatMap { step -> [RunbookStep] in
            if case .fence = step { [.drain, step] } else { [step] }
        }
    }

    /// The hold begins: every load balancer serves the standby.
    mutating func holdStarted(at now: Instant) -> [Effect] {
        guard let incident = state.incident, let hold = incident.drill?.hold else { return [] }
        if let servingSince = incident.drill?.standbyServingAt {
            // After a restart: the hold goes on for what is left of it, without a second message.
            return [newTimer({ .stepDeadline(generation: $0) }, after: max(.zero, hold - (now - servingSince)), store: \.stepDeadline)]
        }
        state.incident?.drill?.standbyServingAt = now
        let objective = config.runbook.recoveryTimeObjective.map { objective in
            " (objective \(DurationText.format(objective)): \(now - incident.openedAt <= objective ? "met" : "MISSED"))"
        }
        let reason =
            "DRILL: the standby serves, \(DurationText.format(now - incident.openedAt)) after the start\(objective ?? ""); "
            + "holding it for \(DurationText.format(hold))"
        return [
            message(.drillProgress, reason: reason, incident: state.incident, at: now),
            newTimer({ .stepDeadline(generation: $0) }, after: hold, store: \.stepDeadline),
        ]
    }

    /// The hold is over (or the drill failed after traffic moved): back to the primary through
    /// its gate, in the same incident.
    mutating func startReturnLeg(why: String, at now: Instant) -> [Effect] {
        guard var runbook = state.runbook else { return [] }
        runbook.target = .primary
        runbook.restart(with: drillReturnPlan(includePreHook: true), servedNow: state.upstreams)
        state.runbook = runbook
        log(.moving(to: .primary, why: why), at: now)
        return ensureProbing(.primary) + runCurrentStep(at: now)
    }

    /// A switch of the second leg landed; once every load balancer serves the primary, said.
    mutating func noteDrillSwitch(at now: Instant) -> [Effect] {
        guard state.runbook?.kind == .drill, state.runbook?.target == .primary, state.activeSide == .primary,
            let incident = state.incident, incident.drill?.primaryBackAt == nil
        else { return [] }
        state.incident?.drill?.primaryBackAt = now
        return [
            message(
                .drillProgress, reason: "DRILL: traffic is back on the primary, \(DurationText.format(now - incident.openedAt)) after the start",
                from: .standby, to: .primary, incident: state.incident, at: now)
        ]
    }

    /// A step of a drill failed (after any rollback). Before traffic moved, the drill ends with
    /// the finding; after, traffic goes back to the primary when it is healthy; a failure on the
    /// way back waits and retries like any runbook, said as a finding.
    mutating func drillStepFailed(_ step: RunbookStep, cause: String, retry: RetryPlan, at now: Instant) -> [Effect] {
        guard let runbook = state.runbook else { return [] }
        let finding = "\(step) failed: \(cause)"
        state.incident?.drill?.findings.append(finding)
        let moved = state.upstreams.contains { $0?.active == .standby }
        if !moved {
            return finishRunbook(note: "traffic did not move", at: now)
        }
        if runbook.target == .standby && health(.primary) != .down {
            return startReturnLeg(why: "the drill failed after traffic moved (\(finding)); back to the primary", at: now)
        }
        return enterStuck(step, cause: "DRILL FINDING: \(cause)", retry: retry, at: now)
    }

    /// While a drill runs: the primary down means a real failover; it takes over at the next point
    /// where no step is in flight (a gate, the hold, the drain, a wait after a failure). The
    /// standby failing during the hold ends the hold: traffic goes back to the primary at once.
    mutating func decideDuringDrill(at now: Instant) -> [Effect] {
        guard let runbook = state.runbook, runbook.kind == .drill else { return [] }
        if state.phase == .drilling(.hold(.standby)), health(.standby) == .down, health(.primary) == .up {
            let evidence = state.health[.standby]?.recentFailures.last.map(Self.summary) ?? "the standby is down"
            state.incident?.drill?.findings.append("the standby failed its checks during the hold (\(evidence))")
            state.timers.stepDeadline = nil
            log(.stepFailed(.hold(.standby), cause: evidence), at: now)
            return startReturnLeg(why: "the standby failed during the hold; back to the primary", at: now)
        }
        guard health(.primary) == .down else { return [] }
        let quiet: Bool
        switch state.phase {
        case .drilling(let step):
            switch step {
            case .gate, .hold, .drain: quiet = true
            case .preHook, .start, .switchUpstream, .rollback, .fence, .postHook: quiet = false
            }
        case .stuck(.runbookFailed):
            quiet = true
        case .primaryActive, .secondaryActive, .failingOver, .failingBack, .stuck, .paused:
            quiet = false
        }
        guard quiet else { return [] }
        return drillBecomesFailover(at: now)
    }

    /// The primary failed during the drill: the drill ends with its report saying so, and a real
    /// failover incident takes the runbook on to the standby from wherever the drill got to.
    private mutating func drillBecomesFailover(at now: Instant) -> [Effect] {
        guard var runbook = state.runbook, var drill = state.incident else { return [] }
        let evidence = state.health[.primary]?.recentFailures.last.map(Self.summary) ?? "the primary is down"
        drill.drill?.becameFailover = true
        drill.drill?.findings.append("the primary failed during the drill (\(evidence))")
        drill.timeline.append(TimelineEntry(at: now, what: .resolved(note: "the drill became a real failover")))
        drill.resolvedAt = now
        state.lastIncident = drill
        var effects = [message(.drillReport, reason: drill.drillReport.map { "\($0)" } ?? "", incident: drill, at: now)]
        let cause = "THE DRILL BECAME A REAL FAILOVER: \(evidence)"
        openIncident(
            .failover, from: .primary, to: .standby, openedAt: state.health[.primary]?.failingSince ?? now, cause: cause,
            evidence: state.health[.primary]?.recentFailures ?? [], requestedBy: drill.requestedBy, at: now)
        state.timers.stepDeadline = nil
        state.timers.retry = nil
        runbook.kind = .failover
        runbook.target = .standby
        runbook.restart(with: plan(.failover, to: .standby, skipGate: false, includePreHook: false), servedNow: state.upstreams)
        runbook.retryPlan = nil
        runbook.saidFailure = nil
        state.runbook = runbook
        effects.append(
            message(.incidentStarted, reason: "\(cause). Traffic goes to the standby and stays there", incident: state.incident, at: now))
        return effects + ensureProbing(.standby) + runCurrentStep(at: now)
    }

    /// Health-check latencies and failures the report compares: the primary's until traffic
    /// leaves it, the standby's during the hold.
    mutating func recordDrillRound(_ backend: Backend, _ outcomes: [ProbeOutcome], passed: Bool) {
        guard state.incident?.drill != nil, case .drilling(let step) = state.phase else { return }
        let total = outcomes.compactMap { outcome -> Duration? in
            if case .healthy(let timings) = outcome { timings.total } else { nil }
        }.max()
        switch (backend, step) {
        case (.primary, _) where state.incident?.drill?.standbyServingAt == nil && !state.upstreams.contains { $0?.active == .standby }:
            if let total { state.incident?.drill?.primaryBefore.add(total) }
        case (.standby, .hold):
            if let total, passed { state.incident?.drill?.standbyDuringHold.add(total) }
            if !passed { state.incident?.drill?.failedChecksDuringHold += 1 }
        case (.primary, _), (.standby, _):
            break
        }
    }
}
