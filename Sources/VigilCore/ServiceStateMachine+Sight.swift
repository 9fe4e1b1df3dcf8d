/// What Vigil needs to see besides the backends: the upstream files and the SSH hosts. Losing
/// sight of either is said once, shown as unprotected, and retried until it clears.
extension ServiceStateMachine {
    /// Every problem among the observations, each with the load balancer it is on; nil when every
    /// file names a layout.
    func problem(in observations: [UpstreamObservation]) -> String? {
        // A count that differs from the config's is not a read problem (a re-read cannot clear
        // it): the reconcile holds it for an operator.
        let problems = observations.enumerated().compactMap { index, observation -> String? in
            let name = config.loadBalancers.indices.contains(index) ? config.loadBalancers[index] : "load balancer \(index + 1)"
            switch observation {
            case .serving: return nil
            case .unreadable(let cause): return "cannot read the upstream file on \(name): \(cause)"
            case .unrecognised(let lines):
                return lines.isEmpty
                    ? "the upstream file on \(name) names neither backend" : "the upstream file on \(name) is not understood: \(lines)"
            }
        }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }

    /// Sets the upstream problem; says it when it is new, and schedules the next read.
    mutating func noteUpstreamProblem(_ problem: String, at now: Instant) -> [Effect] {
        let new = state.upstreamRereads == 0
        state.upstreamProblem = problem
        let delay = backoff(round: state.upstreamRereads)
        state.upstreamRereads += 1
        var effects = [newTimer({ .observeUpstreams(generation: $0) }, after: delay, store: \.observe)]
        if new {
            effects.insert(
                message(
                    .upstreamUnreadable,
                    reason: "\(problem). Vigil cannot see what the load balancers serve, so a failover may fail; "
                        + "it reads the files again (next in \(DurationText.format(delay)))",
                    at: now), at: 0)
        }
        return effects
    }

    /// The upstream files as read by the drift check, at a re-read, or at start.
    mutating func upstreamsObserved(_ observations: [UpstreamObservation], at now: Instant) -> [Effect] {
        if let problem = problem(in: observations) {
            // A re-read is already scheduled while a problem stands; a drift check adds none.
            guard state.upstreamRereads == 0 || state.timers.observe == nil else {
                state.upstreamProblem = problem
                return []
            }
            return noteUpstreamProblem(problem, at: now)
        }
        guard state.upstreamProblem != nil else { return [] }
        state.upstreamProblem = nil
        state.upstreamRereads = 0
        state.timers.observe = nil
        let layouts = observations.compactMap(\.layout)
        var effects =
            [
                message(
                    .upstreamReadable,
                    reason: "the upstream files can be read again ("
                        + zip(config.loadBalancers, layouts).map { "\($0) serves \($1)" }.joined(separator: ", ") + ")",
                    at: now)
            ] + preflightAgainIfFailing()
        // At start Vigil could not know what is served; now it does. Files that differ from
        // what Vigil last wrote still wait for an operator.
        if case .stuck(.reconcileFailed) = state.phase, state.runbook == nil {
            let drifted = layouts.indices.filter { state.upstreams[$0] != nil && state.upstreams[$0] != layouts[$0] }
            if drifted.isEmpty {
                state.upstreams = layouts
                state.phase = restingPhase
            } else {
                state.phase = .stuck(.reconcileFailed(describeDrift(drifted, layouts)))
                effects.append(message(.runbookFailed, reason: "\(state.phase.description); not acting until an operator looks", at: now))
            }
            effects += startWatching()
        }
        return effects + decide(at: now)
    }

    /// The wait before re-read or retry number `round` (from 0): 2 s doubling up to
    /// `retry_interval` (1 min when retries are off), with a jitter of up to a fifth taken from
    /// the service's name and the round, so agents that lost the same host do not retry in step.
    func backoff(round: Int) -> Duration {
        let cap = config.runbook.retryInterval ?? .seconds(60)
        let base = min(cap, .seconds(2) * (1 << min(round, 20)))
        var hash: UInt64 = 1_469_598_103_934_665_603
        for byte in "\(config.name)#\(round)".utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        let jitter = Double(hash % 1000) / 1000 / 5
        return base - base * jitter
    }

    /// One SSH host's check, idle or watched.
    mutating func hostChecked(_ host: String, problem: String?, at now: Instant) -> [Effect] {
        var watch = state.hosts[host] ?? HostWatch()
        var effects: [Effect] = []
        if let problem {
            watch.failures += 1
            watch.problem = problem
            if watch.failures >= HostWatch.failuresBeforeAlarm, !watch.saidUnreachable {
                watch.saidUnreachable = true
                effects.append(message(.hostUnreachable, reason: "\(host) unreachable (\(problem)): a failover now would fail", at: now))
            }
        } else {
            if watch.saidUnreachable {
                effects.append(message(.hostReachable, reason: "\(host) answers again", at: now))
                effects += preflightAgainIfFailing()
            }
            watch = HostWatch()
        }
        state.hosts[host] = watch
        if problem == nil { effects += hostAnswered(host, at: now) }
        return effects
    }

    /// A stuck runbook that waits for this host is tried again now, or (with retries off) the
    /// operator is told that a retry would now reach it.
    private mutating func hostAnswered(_ host: String, at now: Instant) -> [Effect] {
        guard case .stuck(.runbookFailed) = state.phase, var runbook = state.runbook, runbook.retryPlan == .watchHost(host) else { return [] }
        guard config.runbook.retryInterval != nil else {
            runbook.retryPlan = .fixed
            state.runbook = runbook
            return [
                message(
                    .hostReachable, reason: "\(host) answers again; `vigil retry` finishes the \(runbook.kind.rawValue)", incident: state.incident,
                    at: now)
            ]
        }
        return automaticRetry(at: now)
    }

    /// The idle host check is due: check unless a runbook runs (its steps say enough then).
    mutating func hostCheckDue(at now: Instant) -> [Effect] {
        guard let interval = config.hostCheckInterval, !config.hosts.isEmpty else { return [] }
        let next = newTimer({ .hostCheck(generation: $0) }, after: interval, store: \.hostCheck)
        return isRunning ? [next] : [.checkHosts, next]
    }

    /// The SSH hosts said unreachable, with their causes.
    var unreachableHosts: [String] {
        state.hosts.keys.sorted().compactMap { name in
            guard let watch = state.hosts[name], watch.saidUnreachable else { return nil }
            return "\(name): \(watch.problem ?? "no answer")"
        }
    }

    func describeDrift(_ indices: [Int], _ observed: [UpstreamLayout?]) -> String {
        indices.map { index in
            "\(config.loadBalancers[index]) serves \(observed[index].map(\.description) ?? "neither backend") "
                + "but Vigil last wrote \(state.upstreams[index].map(\.description) ?? "an unknown file")"
        }.joined(separator: "; ")
    }
}
