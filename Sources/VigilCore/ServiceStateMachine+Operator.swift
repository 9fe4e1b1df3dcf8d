/// Operator commands: each is answered, and each that acts goes into the incident's timeline
/// with who asked and why.
extension ServiceStateMachine {
    mutating func operatorRequested(_ request: OperatorRequest, at now: Instant) -> [Effect] {
        let command = request.command
        func refuse(_ why: String) -> [Effect] { [.answer(.refused(command, why: why))] }
        switch command {
        case .failover(let skipGate, let dryRun), .failback(let skipGate, let dryRun):
            let (kind, target, expected): (RunbookKind, Backend, Phase) =
                command == .failover(skipGate: skipGate, dryRun: dryRun)
                ? (.failover, .standby, .primaryActive) : (.failback, .primary, .secondaryActive)
            guard state.phase == expected else {
                return refuse(
                    "\(config.name) is \(Self.describe(state.phase)); \(kind.rawValue) starts only while "
                        + "\(Self.describe(expected))")
            }
            if let listing = state.backupListing {
                return refuse(
                    "\(config.loadBalancers[listing.loadBalancer])'s backup line is being rewritten; try again in a few seconds")
            }
            if skipGate && health(target) == .down {
                return refuse("\(target.rawValue) is down; its health gate cannot be skipped")
            }
            if dryRun { return [.answer(.plan(command, steps: plan(kind, to: target, skipGate: skipGate)))] }
            let cause = "\(kind.rawValue) forced by \(request.by): \(request.reason.escapingControlCharacters)"
            var effects: [Effect] = [.answer(.accepted(command))]
            effects += startRunbook(
                kind, to: target, automatic: false, skipGate: skipGate, requestedBy: request.by,
                cause: cause, at: now)
            log(.operatorRequested(command, by: request.by, reason: request.reason), at: now)
            return effects
        case .pause(let until):
            switch state.phase {
            case .primaryActive, .secondaryActive, .stuck:
                break
            case .failingOver, .failingBack, .paused, .drilling:
                return refuse("\(config.name) is \(Self.describe(state.phase)); pause when no runbook runs")
            }
            state.pause = PauseState(previous: state.phase, until: until, by: request.by, reason: request.reason)
            state.phase = .paused
            state.timers.retry = nil
            var effects: [Effect] = [
                .answer(.accepted(command)),
                message(
                    .paused,
                    reason: "paused by \(request.by): \(request.reason.escapingControlCharacters)"
                        + (until.map { " until \($0)" } ?? ""), at: now),
            ]
            if let until {
                effects.append(newTimer({ .pauseEnds(generation: $0) }, after: max(.zero, until - now), store: \.pauseEnds))
            }
            return effects
        case .resume:
            guard state.phase == .paused else { return refuse("\(config.name) is not paused") }
            return [.answer(.accepted(command))] + resume(by: request.by, reason: request.reason, at: now)
        case .acknowledge:
            guard state.phase == .stuck(.flapBudgetExhausted) else {
                return refuse("\(config.name) is not held by the flap budget")
            }
            state.automaticStarts = []
            state.phase = restingPhase
            return [.answer(.accepted(command))] + decide(at: now)
        case .acknowledgeIncident:
            return acknowledgeIncident(request, at: now)
        case .retry:
            guard case .stuck(.runbookFailed) = state.phase else {
                return refuse("\(config.name) has no stuck runbook to retry")
            }
            log(.operatorRequested(command, by: request.by, reason: request.reason), at: now)
            return [.answer(.accepted(command))] + retryRunbook(at: now)
        case .drill(let hold, let whilePaused, let dryRun):
            return requestDrill(request, hold: hold, whilePaused: whilePaused, dryRun: dryRun, at: now)
        }
    }

    /// Back from maintenance to where the pause began, then act on the health seen meanwhile.
    mutating func resume(by: String, reason: String, at now: Instant) -> [Effect] {
        guard let pause = state.pause else { return [] }
        state.pause = nil
        state.timers.pauseEnds = nil
        // A drill asked for while paused keeps its phase; it ends resting, not paused.
        if state.phase == .paused { state.phase = pause.previous }
        var effects = [message(.resumed, reason: "resumed by \(by): \(reason.escapingControlCharacters)", at: now)]
        if case .stuck(.runbookFailed) = pause.previous, let interval = config.runbook.retryInterval {
            effects.append(newTimer({ .retry(generation: $0) }, after: interval, store: \.retry))
        }
        return effects + decide(at: now)
    }

    static func describe(_ phase: Phase) -> String {
        switch phase {
        case .primaryActive: "serving from the primary"
        case .secondaryActive: "serving from the standby"
        case .failingOver(let step): "failing over (\(step))"
        case .failingBack(let step): "failing back (\(step))"
        case .stuck: "stuck"
        case .paused: "paused"
        case .drilling(let step): "drilling (\(step))"
        }
    }
}
