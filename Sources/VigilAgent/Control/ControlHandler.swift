import Foundation
import VigilCore
import VigilStatus

/// Carries out control-socket requests on the running services.
struct ControlHandler: Sendable {
    let status: StatusSource
    let maintenance: MaintenanceWatch

    var services: [RunningService] { status.services }

    /// A runbook is followed (its timeline sent as it grows) at this pace, for at most this long.
    static let followInterval = Duration.milliseconds(100)
    static let followLimit = Duration.seconds(3_600)
    /// How long a drill waits for the primary's first judgement.
    static let judgeLimit = Duration.seconds(30)
    /// A drill's hold when none is given.
    static let defaultHold = Duration.seconds(300)

    /// Answers one request: lines as they come, then one `.finished` line; returns whether it
    /// succeeded.
    @discardableResult
    func handle(_ request: ControlRequest, uid: UInt32, reply: @escaping @Sendable (ControlReply) -> Void) async -> Bool {
        let who = getpwuid(uid).map { String(cString: $0.pointee.pw_name) + " (uid \(uid))" } ?? "uid \(uid)"
        return await handle(request, who: who, reply: reply)
    }

    /// `forwarded`: a follower handed it over through etcd, so it is never handed on again.
    @discardableResult
    func handle(
        _ request: ControlRequest, who: String, forwarded: Bool = false, reply: @escaping @Sendable (ControlReply) -> Void
    ) async -> Bool {
        let succeeded: Bool
        if let cluster = status.cluster, !forwarded, request.changesAService, request.withoutCluster != true, cluster.standing != .leading {
            // In a cluster the leader acts: a follower hands the request over and prints the answer.
            succeeded = await ForwardedRequest.forward(request, by: who, member: cluster, reply: reply)
        } else {
            succeeded = await carryOut(request, who: who, reply: reply)
        }
        reply(.finished(succeeded ? .succeeded : .failed))
        return succeeded
    }

    private func carryOut(_ request: ControlRequest, who: String, reply: @escaping @Sendable (ControlReply) -> Void) async -> Bool {
        let names = services.map(\.name)
        if request.command == .maintenance {
            // Windows belong to the agent, not to one service: they name their services.
            let done = maintenance.book.carryOut(request.maintenance ?? MaintenanceRequest(action: .list), reason: request.reason, by: who) {
                reply(.line($0))
            }
            // The daemon sees a window added or cancelled at once (the schedule acts on it within a second).
            do {
                try maintenance.refresh()
            } catch {
                reply(.line("the daemon cannot read the windows again: \(error)"))
            }
            return done
        }
        let chosen: [RunningService]
        if request.all || (request.command == .status && request.service == nil) {
            chosen = services
        } else if let name = request.service {
            guard let service = services.first(where: { $0.name == name }) else {
                reply(.line("no service named \(name); configured: \(names.joined(separator: ", "))"))
                return false
            }
            chosen = [service]
        } else if services.count == 1 {
            chosen = services
        } else {
            reply(.line("name a service with --service (or --all): \(names.joined(separator: ", "))"))
            return false
        }
        if request.command == .status && request.json {
            reply(.line(await status.document(for: chosen).json()))
            return true
        }
        if request.command == .status, let cluster = status.cluster?.status { reply(.line(cluster.summary)) }
        var allOK = true
        for service in chosen {
            allOK = await handle(request, service: service, who: who, reply: reply) && allOK
        }
        return allOK
    }

    private func handle(
        _ request: ControlRequest, service running: RunningService, who: String,
        reply: @escaping @Sendable (ControlReply) -> Void
    ) async -> Bool {
        let (service, driver) = (running.name, running.driver)
        let command: OperatorCommand
        switch request.command {
        case .preflight:
            return await preflight(running, notify: request.notify, who: who, reply: reply)
        case .maintenance:
            return false  // answered before a service is chosen
        case .status:
            let machine = await driver.machine
            reply(.line(Self.status(service, machine.state, unprotected: machine.unprotectedReasons)))
            if machine.config.cluster != nil {
                let views = [machine.vantageView(at: await driver.now)] + machine.cluster.peers
                reply(.line("\(service): views: " + views.map(\.summary).joined(separator: "; ")))
            }
            return true
        case .failover: command = .failover(skipGate: request.skipGate, dryRun: request.dryRun)
        case .failback: command = .failback(skipGate: request.skipGate, dryRun: request.dryRun)
        case .pause:
            var until: Instant?
            if let seconds = request.pauseSeconds {
                guard let duration = Self.duration(seconds, of: "a pause", service: service, reply: reply) else { return false }
                until = Instant.zero + duration
            }
            command = .pause(until: until)
        case .resume: command = .resume
        case .rearm: command = .acknowledge
        case .ack: command = .acknowledgeIncident
        case .retry: command = .retry
        case .drill:
            let seconds = request.holdSeconds ?? Self.defaultHold.secondsValue
            guard let hold = Self.duration(seconds, of: "a drill's hold", service: service, reply: reply) else { return false }
            command = .drill(hold: hold, whilePaused: request.whilePaused, dryRun: request.dryRun)
        }
        // A pause for a while ends at the driver's now plus that while.
        var resolved = command
        if case .pause(let until?) = command { resolved = .pause(until: await driver.now + until.sinceEpoch) }
        if request.skipGate { reply(.line("\(service): WARNING: the health gate is skipped at the operator's request")) }
        var by = who
        // In a cluster every command that changes the service runs on the leader, whose state is shared.
        if let cluster = status.cluster, !request.dryRun {
            guard let alone = await clusterPermits(request, cluster: cluster, service: service, reply: reply) else { return false }
            if alone {
                by = "\(who) WITHOUT THE CLUSTER"
                cluster.actAlone(true)
            }
        }
        defer { if by != who { status.cluster?.actAlone(false) } }
        if case .drill = command { await waitUntilThePrimaryIsJudged(driver, service: service, reply: reply) }
        let answer = await driver.send(.operatorRequested(OperatorRequest(resolved, by: by, reason: request.reason)))
        switch answer {
        case .refused(_, let why)?:
            reply(.line("\(service): refused: \(why)"))
            return false
        case .plan(_, let steps)?:
            reply(.line("\(service): the plan (nothing is done):"))
            for (number, step) in zip(1..., steps) { reply(.line("  \(number). \(step)")) }
            for case .switchUpstream(let index, let layout) in steps {
                reply(.line(await running.actions.previewSwitch(index, layout)))
            }
            return true
        case .accepted?:
            break
        case nil:
            reply(.line("\(service): the agent is stopping"))
            return false
        }
        switch command {
        case .failover, .failback, .retry, .drill:
            break
        case .pause, .resume, .acknowledge, .acknowledgeIncident:
            reply(.line("\(service): \(request.command.rawValue) accepted; now \(await driver.phase)"))
            return true
        }
        // Follow the runbook: each timeline entry as it happens, until it ends or gets stuck.
        var shown = 0
        for _ in 0..<Int(Self.followLimit / Self.followInterval) {
            let state = await driver.machine.state
            let timeline = (state.incident ?? state.lastIncident)?.timeline ?? []
            for entry in timeline.dropFirst(shown) { reply(.line("\(service): \(StatusDocument.time(entry.at)) \(entry.what)")) }
            shown = timeline.count
            if case .drill = command, state.runbook == nil, let report = state.lastIncident?.drillReport {
                // The drill is over (a paused service is paused again): its report is the answer.
                reply(.line("\(service): \(report)"))
                return report.passed
            }
            switch state.phase {
            case .failingOver, .failingBack, .drilling:
                try? await Task.sleep(for: Self.followInterval)
            case .primaryActive, .secondaryActive:
                reply(.line("\(service): \(state.phase)"))
                return true
            case .stuck(let reason):
                reply(.line("\(service): STUCK: \(reason)"))
                return false
            case .paused:
                reply(.line("\(service): paused while the runbook ran"))
                return false
            }
        }
        reply(.line("\(service): still running after \(DurationText.format(Self.followLimit)); `vigil status` shows how it goes on"))
        return false
    }

    /// A request's seconds as a duration, or nil with the refusal said. Checked before any
    /// conversion: 1e300 once trapped the daemon.
    private static func duration(_ seconds: Double, of what: String, service: String, reply: (ControlReply) -> Void) -> Duration? {
        guard let duration = DurationText.milliseconds(seconds * 1_000), duration > .zero else {
            reply(
                .line("\(service): refused: \(what) lasts more than 0 s and at most \(DurationText.format(DurationText.maximum)), not \(seconds) s"))
            return nil
        }
        return duration
    }

    /// A drill starts only from a primary judged healthy; right after a start (a one-off run with no
    /// daemon, or a daemon just started) its checks have not judged it yet: they get up to
    /// `judgeLimit` (the core then refuses a primary still unknown, saying so).
    private func waitUntilThePrimaryIsJudged(
        _ driver: ServiceDriver<ContinuousClock>, service: String, reply: @escaping @Sendable (ControlReply) -> Void
    ) async {
        guard await driver.machine.state.health[.primary]?.status ?? .unknown == .unknown else { return }
        reply(.line("\(service): waiting for the primary's checks to judge it before the drill"))
        for _ in 0..<Int(Self.judgeLimit / Self.followInterval) {
            guard await driver.machine.state.health[.primary]?.status ?? .unknown == .unknown else { return }
            do {
                try await Task.sleep(for: Self.followInterval)
            } catch {
                return  // the request was cancelled: the core answers as it stands
            }
        }
    }

    /// `vigil drill --preflight`: the checks now, their findings said line by line and kept as the
    /// service's state (shown, and said when they change); with `notify`, posted as a message too.
    private func preflight(
        _ running: RunningService, notify: Bool, who: String, reply: @escaping @Sendable (ControlReply) -> Void
    ) async -> Bool {
        let findings = await running.actions.preflight()
        await running.driver.send(.preflightFinished(findings: findings))
        for finding in findings { reply(.line("\(running.name): FAIL \(finding)")) }
        let summary =
            findings.isEmpty
            ? "preflight passed: every host, command, load balancer, name and channel a failover needs is ready"
            : "preflight found \(findings.count) problem(s): a failover now would fail"
        reply(.line("\(running.name): \(summary)"))
        if notify {
            let reason = "preflight run by \(who): \(summary)" + (findings.isEmpty ? "" : ": " + findings.joined(separator: "; "))
            await running.actions.notify(Message(kind: .test, service: running.name, reason: reason, at: Agent.wallClockNow()))
        }
        return findings.isEmpty
    }

    /// In a cluster a runbook runs from the leader only; `--without-cluster` runs it here
    /// anyway, loudly. Returns nil when refused, else whether it runs without the cluster.
    private func clusterPermits(
        _ request: ControlRequest, cluster: ClusterMember, service: String, reply: @Sendable (ControlReply) -> Void
    ) async -> Bool? {
        if request.withoutCluster == true {
            reply(.line("\(service): WARNING: acting WITHOUT THE CLUSTER, under this host's lock only: no lease, no epoch fence."))
            reply(.line("\(service): WARNING: an agent that still leads is not stopped by this; use it only when etcd itself is down."))
            return true
        }
        // A new leader restores the shared state first; a request that comes meanwhile waits for it.
        guard await cluster.waitUntilItMayAct(within: .seconds(30)) else {
            let leader = cluster.status.leader.map { "\($0) leads the cluster" } ?? "no agent leads the cluster now"
            reply(
                .line(
                    "\(service): refused: \(cluster.config.name) does not lead (\(cluster.standing.role)): \(leader). Run the command "
                        + "there, or, when etcd itself is down, add --without-cluster (loud, recorded)"))
            return nil
        }
        return false
    }

    static func status(_ service: String, _ state: ServiceSnapshot, unprotected: [String]) -> String {
        let upstreams = state.upstreams.map { $0.map(\.description) ?? "unknown" }.joined(separator: ", ")
        let health = Backend.allCases.map { "\($0.rawValue) \(state.health[$0]?.status.rawValue ?? "unknown")" }.joined(separator: ", ")
        var line = "\(service): \(state.phase); load balancers serve \(upstreams); \(health)"
        if let incident = state.incident { line += "; \(incident.kind.rawValue) \(incident.id) open: \(incident.cause)" }
        line += unprotected.isEmpty ? "; protected" : "; NOT PROTECTED: " + unprotected.joined(separator: "; ")
        if let last = state.lastIncident, let recovered = last.timeToRecover {
            line += "; last incident \(last.id) recovered in \(DurationText.format(.milliseconds(recovered.wholeMilliseconds)))"
        }
        return line
    }
}
