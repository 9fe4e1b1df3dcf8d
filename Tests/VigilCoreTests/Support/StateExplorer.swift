import Dispatch
import Foundation

@testable import VigilCore

/// Breadth-first exploration of a machine's reachable states over a small alphabet of events,
/// with time advancing in steps, deduplicating visited states, checking invariants after every
/// step. The driver is emulated: probes and steps in flight, timers pending with their due time.
struct StateExplorer: Sendable {
    typealias Transition = @Sendable (inout ServiceStateMachine, Event, Instant) -> [Effect]

    struct Node: Hashable {
        var machine: ServiceStateMachine
        var now: Instant
        var timers: [TimerID: Instant] = [:]
        var stepInFlight: RunbookStep?
        var started: Set<String> = []
        var resolved: Set<String> = []
        /// The backup-line rewrite in flight.
        var listingInFlight: BackupListing?
        /// Hosts the machine asked to watch; each can answer.
        var watching: Set<String> = []
    }

    struct Report {
        var statesVisited = 0
        var transitions = 0
        var depthReached = 0
        var violations: [String] = []
        var phasesSeen: Set<String> = []
        var snapshotsChecked = 0
    }

    let config: ServiceConfig
    let transition: Transition
    var tick: Duration = .milliseconds(500)
    var snapshotStride = 5

    init(config: ServiceConfig, transition: @escaping Transition = { machine, event, now in machine.handle(event, at: now) }) {
        self.config = config
        self.transition = transition
    }

    /// `explore` on a Dispatch thread, leaving Swift's cooperative pool to the other tests.
    func exploreOffPool(depth: Int) async -> Report {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: explore(depth: depth)) }
        }
    }

    func explore(depth: Int, maxStates: Int = 400_000) -> Report {
        var report = Report()
        var root = Node(
            machine: ServiceStateMachine(
                config: config,
                upstreams: Array(
                    repeating: UpstreamLayout(active: .primary),
                    count: config.loadBalancers.count)),
            now: .zero)
        apply(transition(&root.machine, .started, .zero), to: &root)
        var visited: Set<Node> = [canonical(root)]
        var snapshotCounter = 0
        var frontier = [root]
        for level in 0..<depth where !frontier.isEmpty && visited.count < maxStates {
            report.depthReached = level + 1
            var next: [Node] = []
            for node in frontier {
                let alphabet = events(from: node)
                // JSON in a debug build is the explorer's slowest part: every `snapshotStride`-th
                // node is encoded, restored and replayed, which still covers every phase many times.
                snapshotCounter += 1
                if snapshotCounter % snapshotStride == 0, let (event, at) = alphabet.first {
                    report.violations += checkSnapshot(of: node, replaying: event, at: at)
                    report.snapshotsChecked += 1
                }
                for (event, at) in alphabet {
                    var after = node
                    after.now = at
                    if case .timerFired(let timer) = event { after.timers[timer] = nil }
                    if case .stepFinished = event { after.stepInFlight = nil }
                    if case .backupListed = event { after.listingInFlight = nil }
                    let effects = transition(&after.machine, event, at)
                    report.transitions += 1
                    report.violations += check(before: node, event: event, at: at, effects: effects, after: after)
                    apply(effects, to: &after)
                    report.phasesSeen.insert(phaseName(after.machine.phase))
                    if visited.insert(canonical(after)).inserted { next.append(after) }
                }
                if report.violations.count > 20 { break }
            }
            frontier = next
        }
        report.statesVisited = visited.count
        return report
    }

    /// The node as far as future behaviour goes: every instant made relative to now, and the
    /// records that only report (timelines, evidence, the last incident) left out. Nodes that
    /// differ only in when they happened, or in what they will tell, behave alike.
    private func canonical(_ node: Node) -> Node {
        var key = node
        let shift = node.now.sinceEpoch
        func relative(_ instant: Instant) -> Instant { Instant(instant.sinceEpoch - shift) }
        key.now = .zero
        key.timers = node.timers.mapValues(relative)
        var state = node.machine.state
        let detection = config.detection
        let failbackDelay: Duration =
            switch config.failback {
            case .manual(let after), .automatic(let after): after
            case .never: .zero
            }
        for backend in Backend.allCases {
            state.health[backend]?.canonicalize(now: node.now, detection: detection, upHorizon: failbackDelay)
        }
        if let until = state.cooldownUntil, until <= node.now { state.cooldownUntil = nil }
        if var runbook = state.runbook {
            runbook.gateSuccesses = min(runbook.gateSuccesses, detection.rise)
            state.runbook = runbook
        }
        state.cooldownUntil = state.cooldownUntil.map(relative)
        state.automaticStarts = state.automaticStarts.map(relative)
        if let until = state.pause?.until { state.pause?.until = relative(until) }
        state.incident?.timeline = []
        state.incident?.evidence = []
        state.incident?.cause = ""
        state.incident?.openedAt = .zero
        state.lastIncident = nil
        if case .stuck(.runbookFailed(let step, _, let moved)) = state.phase {
            state.phase = .stuck(.runbookFailed(step: step, cause: "", trafficMoved: moved))
        }
        // Generations only need to tell current timers from stale ones: number them afresh.
        var inUse = [
            state.timers.stepDeadline, state.timers.retry, state.timers.reminder, state.timers.pauseEnds, state.timers.observe,
            state.timers.hostCheck, state.timers.backupListing,
        ].compactMap { $0 }
        for case .waiting(let generation) in state.probes.values { inUse.append(generation) }
        let renumbered = Dictionary(uniqueKeysWithValues: Set(inUse).sorted().enumerated().map { ($1, $0 + 1) })
        func renumber(_ generation: Int?) -> Int? { generation.map { renumbered[$0] ?? 0 } }
        state.timers.next = renumbered.count + 1
        state.timers.stepDeadline = renumber(state.timers.stepDeadline)
        state.timers.retry = renumber(state.timers.retry)
        state.timers.reminder = renumber(state.timers.reminder)
        state.timers.pauseEnds = renumber(state.timers.pauseEnds)
        state.timers.observe = renumber(state.timers.observe)
        state.timers.hostCheck = renumber(state.timers.hostCheck)
        state.timers.backupListing = renumber(state.timers.backupListing)
        state.timers.escalation = renumber(state.timers.escalation)
        state.backupListedAt = state.backupListedAt.filter { node.now - $0.value < ServiceStateMachine.backupListingInterval }.mapValues(relative)
        if case .stuck(.runbookFailed) = state.phase {} else { state.runbook?.saidFailure = nil }
        state.probes = state.probes.mapValues { loop in
            if case .waiting(let generation) = loop { return .waiting(generation: renumbered[generation] ?? 0) }
            return loop
        }
        key.timers = Dictionary(
            uniqueKeysWithValues: key.timers.map { timer, due in
                switch timer {
                case .probe(let backend, let generation): (TimerID.probe(backend, generation: renumbered[generation] ?? 0), due)
                case .stepDeadline(let generation): (TimerID.stepDeadline(generation: renumbered[generation] ?? 0), due)
                case .retry(let generation): (TimerID.retry(generation: renumbered[generation] ?? 0), due)
                case .reminder(let generation): (TimerID.reminder(generation: renumbered[generation] ?? 0), due)
                case .pauseEnds(let generation): (TimerID.pauseEnds(generation: renumbered[generation] ?? 0), due)
                case .observeUpstreams(let generation): (TimerID.observeUpstreams(generation: renumbered[generation] ?? 0), due)
                case .hostCheck(let generation): (TimerID.hostCheck(generation: renumbered[generation] ?? 0), due)
                case .backupListing(let generation): (TimerID.backupListing(generation: renumbered[generation] ?? 0), due)
                case .preflight(let generation): (TimerID.preflight(generation: renumbered[generation] ?? 0), due)
                case .escalation(let generation): (TimerID.escalation(generation: renumbered[generation] ?? 0), due)
                }
            })
        key.machine = ServiceStateMachine(config: config, state: state)
        return key
    }

    /// The alphabet, as it applies to a node.
    private func events(from node: Node) -> [(Event, Instant)] {
        let later = node.now + tick
        var events: [(Event, Instant)] = []
        for backend in Backend.allCases where node.machine.state.probes[backend] == .inFlight {
            events.append((.probeFinished(backend, [.healthy(ProbeTimings())]), later))
            events.append((.probeFinished(backend, [.failed(.refused)]), later))
        }
        if let step = node.stepInFlight {
            events.append((.stepFinished(step, .succeeded), later))
            events.append((.stepFinished(step, .failed("injected")), later))
            // A host that does not answer matters where traffic moves: at a switch (and its rollback).
            switch step {
            case .switchUpstream, .rollback:
                events.append((.stepFinished(step, .failedOnHost("injected", host: "lb0", kind: .connectionRefused)), later))
            case .preHook, .start, .gate, .fence, .postHook, .hold, .drain:
                break
            }
        }
        if let listing = node.listingInFlight {
            events.append((.backupListed(listing, .succeeded), later))
            events.append((.backupListed(listing, .failed("injected")), later))
        }
        for host in node.watching.sorted() {
            events.append((.hostChecked(host, problem: nil), later))
        }
        for (timer, due) in node.timers.sorted(by: { $0.value < $1.value }) {
            events.append((.timerFired(timer), max(node.now, due)))
        }
        let commands: [OperatorCommand] = [
            .failover(skipGate: false, dryRun: false), .failback(skipGate: true, dryRun: false),
            .pause(until: nil), .resume, .acknowledge, .retry, .drill(hold: .seconds(2), whilePaused: true, dryRun: false),
        ]
        // At the same instant: a refused command then changes nothing, and the node is a known one.
        for command in commands {
            events.append((.operatorRequested(OperatorRequest(command, by: "explorer", reason: "exploring")), node.now))
        }
        return events
    }

    private func apply(_ effects: [Effect], to node: inout Node) {
        for effect in effects {
            switch effect {
            case .schedule(let timer, let delay): node.timers[timer] = node.now + delay
            case .run(let step): node.stepInFlight = step
            case .notify(let message):
                guard let id = message.incident?.id else { continue }
                switch message.kind {
                case .incidentStarted, .failbackStarted, .outageStarted, .drillStarted: node.started.insert(id)
                case .incidentResolved, .failbackDone, .outageResolved, .drillReport: node.resolved.insert(id)
                default: break
                }
            case .watchHost(let host): node.watching.insert(host)
            case .listBackup(let index, let layout): node.listingInFlight = BackupListing(loadBalancer: index, layout: layout)
            case .probe, .persist, .answer, .observeUpstreams, .checkHosts, .preflight: break
            }
        }
        // Timers the machine no longer honours would be ignored; dropping them keeps the space small.
        node.timers = node.timers.filter { timer, _ in isCurrent(timer, node.machine.state) }
    }

    private func isCurrent(_ timer: TimerID, _ state: ServiceSnapshot) -> Bool {
        switch timer {
        case .probe(let backend, let generation): state.probes[backend] == .waiting(generation: generation)
        case .stepDeadline(let generation): state.timers.stepDeadline == generation
        case .retry(let generation): state.timers.retry == generation
        case .reminder(let generation): state.timers.reminder == generation
        case .pauseEnds(let generation): state.timers.pauseEnds == generation
        case .observeUpstreams(let generation): state.timers.observe == generation
        case .hostCheck(let generation): state.timers.hostCheck == generation
        case .backupListing(let generation): state.timers.backupListing == generation
        case .preflight(let generation): state.timers.preflight == generation
        case .escalation(let generation): state.timers.escalation == generation
        }
    }

    private func phaseName(_ phase: Phase) -> String {
        switch phase {
        case .primaryActive: "primaryActive"
        case .secondaryActive: "secondaryActive"
        case .failingOver(let step): "failingOver(\(step))"
        case .failingBack(let step): "failingBack(\(step))"
        case .stuck(let reason): "stuck(\(String(describing: reason).prefix(20)))"
        case .paused: "paused"
        case .drilling(let step): "drilling(\(step))"
        }
    }

    // MARK: Invariants

    func check(before: Node, event: Event, at now: Instant, effects: [Effect], after: Node) -> [String] {
        var violations: [String] = []
        func fail(_ text: String) { violations.append("\(text) — after \(event) at \(now) in \(before.machine.phase)") }
        let state = after.machine.state
        let runs = effects.compactMap { if case .run(let step) = $0 { step } else { nil } }

        // At most one runbook in flight, one step at a time.
        if runs.count > 1 { fail("two steps at once: \(runs)") }
        let opened = effects.contains {
            if case .notify(let message) = $0 { [.incidentStarted, .failbackStarted].contains(message.kind) } else { false }
        }
        // (A runbook that ends on a side that went down meanwhile may be followed at once by the
        // move away from it: the first resolved its incident in the same transition.)
        let endedFirst = effects.contains { effect in
            guard case .notify(let message) = effect else { return false }
            return message.incident?.id == before.machine.state.incident?.id
                && [.incidentResolved, .failbackDone, .outageResolved, .drillReport].contains(message.kind)
        }
        if opened && before.machine.state.runbook != nil && !endedFirst { fail("a second runbook started while one was in flight") }

        for step in runs {
            guard case .switchUpstream(_, let layout) = step else { continue }
            // Only a backend that passed its gate in this attempt becomes active.
            if let runbook = state.runbook {
                if !(runbook.gatePassed || runbook.skipGate) { fail("switched to \(layout) without a passed gate") }
                if layout.active != runbook.target { fail("switched to \(layout), not the runbook's target") }
            } else {
                fail("switched to \(layout) with no runbook")
            }
            if layout.backup == .standby && state.health[.standby]?.status != .up { fail("listed a standby whose checks fail as backup") }
            // Traffic never goes back to a primary that is down.
            if layout.active == .primary && state.health[.primary]?.status == .down { fail("switched to a primary that is down") }
        }

        // No automatic failover before `fall` failures lasting `minFailureDuration`, nor inside the
        // cooldown or past the flap budget.
        if opened, let runbook = state.runbook, runbook.automatic {
            if runbook.kind == .failover, let health = state.health[runbook.source] {
                let lasted = health.failingSince.map { now - $0 } ?? .zero
                if health.consecutiveFailures < config.detection.fall || lasted < config.detection.minFailureDuration {
                    fail("automatic failover after \(health.consecutiveFailures) failures lasting \(lasted)")
                }
            }
            let leftADownSide = state.health[runbook.source]?.status == .down
            if !leftADownSide, let until = before.machine.state.cooldownUntil, now < until {
                fail("automatic runbook away from a healthy side inside the cooldown")
            }
            let recent = before.machine.state.automaticStarts.filter { now - $0 < config.antiFlap.window }
            if recent.count >= config.antiFlap.budget { fail("automatic runbook past the flap budget") }
        }

        // A move away from a side that is down is never held by the cooldown alone: resting on a
        // down side while the other is up, inside the cooldown, with the flap budget not spent.
        if case .probeFinished = event, [.primaryActive, .secondaryActive].contains(after.machine.phase),
            let active = state.activeSide, state.health[active]?.status == .down, state.health[active.other]?.status == .up,
            let until = state.cooldownUntil, now < until, state.backupListing == nil,
            state.automaticStarts.filter({ now - $0 < config.antiFlap.window }).count < config.antiFlap.budget
        {
            fail("the cooldown holds traffic on \(active), which is down, while \(active.other) is up")
        }

        // After a failed switch that load balancer goes back to its previous file.
        if case .stepFinished(.switchUpstream(let index, _), .failed) = event, before.stepInFlight == before.machine.state.runbook?.currentStep,
            before.machine.state.runbook?.currentStep.map({ if case .switchUpstream = $0 { true } else { false } }) == true,
            let previous = before.machine.state.runbook?.previousLayouts[index]
        {
            if runs != [.rollback(loadBalancer: index, to: previous)] { fail("a failed switch was not rolled back first: \(runs)") }
        }
        if case .stepFinished(.rollback(let index, let layout), .succeeded) = event, !effects.isEmpty,
            state.upstreams[index] != layout
        {
            fail("after its rollback load balancer \(index) is on \(String(describing: state.upstreams[index])), not \(layout)")
        }

        // Exactly one "started" per incident; an incident that ends has exactly one "resolved".
        for case .notify(let message) in effects {
            guard let id = message.incident?.id else { continue }
            switch message.kind {
            case .incidentStarted, .failbackStarted, .outageStarted, .drillStarted:
                if before.started.contains(id) { fail("a second 'started' for \(id)") }
            case .incidentResolved, .failbackDone, .outageResolved, .drillReport:
                if !before.started.contains(id) { fail("'resolved' for \(id) that never started") }
                if before.resolved.contains(id) { fail("a second 'resolved' for \(id)") }
            default:
                break
            }
        }
        if let ended = before.machine.state.incident, state.incident?.id != ended.id {
            let resolvedHere = effects.contains { effect in
                if case .notify(let message) = effect {
                    message.incident?.id == ended.id && [.incidentResolved, .failbackDone, .outageResolved, .drillReport].contains(message.kind)
                } else {
                    false
                }
            }
            if !resolvedHere { fail("incident \(ended.id) ended without a 'resolved' message") }
        }

        // Never silently blind: resting (or stuck) on a serving side that is down, the open
        // incident has said so, or the flap-budget hold has.
        // (A backup-line rewrite in flight is waited for: it ends within the switch's own
        // deadlines, then the decision is taken.)
        if !after.machine.phase.isRunningRunbook, after.machine.phase != .paused, state.backupListing == nil, let serving = state.activeSide,
            state.health[serving]?.status == .down
        {
            let saidNow = effects.contains { effect in
                guard case .notify(let message) = effect else { return false }
                return message.incident?.id == state.incident?.id && [.incidentStarted, .failbackStarted, .outageStarted].contains(message.kind)
            }
            let said = state.incident.map { after.started.contains($0.id) || saidNow } ?? false
            if !said && after.machine.phase != .stuck(.flapBudgetExhausted) {
                fail("\(serving) serves and is down, and no message says so (\(after.machine.phase))")
            }
        }

        // No runbook Vigil starts by itself targets a side known down that it cannot start.
        let automatic: Bool =
            switch event {
            case .probeFinished, .timerFired, .hostChecked, .maintenanceChanged, .clusterChanged, .peerViewsChanged, .leaderStateShared: true
            case .started, .stepFinished, .operatorRequested, .upstreamsObserved, .backupListed, .preflightFinished: false
            }
        if automatic, let runbook = state.runbook, runbook.currentStep != nil,
            before.machine.state.runbook == nil || before.machine.state.runbook?.attempt != runbook.attempt
                || before.machine.state.runbook?.target != runbook.target,
            state.health[runbook.target]?.status == .down, !config.settings(of: runbook.target).canStart
        {
            fail("a runbook toward \(runbook.target), which is known down and cannot be started")
        }

        // A backup-line rewrite never moves traffic, never races a runbook, and never lists a
        // standby that is not up.
        for case .listBackup(_, let layout) in effects {
            if layout.active != .primary { fail("a backup-line rewrite names \(layout.active) as the server") }
            if layout.backup == .standby && state.health[.standby]?.status != .up { fail("listed a standby that is not up as backup") }
            // (The step that just ended is no longer in flight: a drill that ends there may list.)
            let finishing: Bool = if case .stepFinished(let step, _) = event { step == before.stepInFlight } else { false }
            if state.runbook != nil || (before.stepInFlight != nil && !finishing) { fail("a backup-line rewrite while a runbook runs") }
        }
        if runs.contains(where: { if case .switchUpstream = $0 { true } else { false } }) && after.listingInFlight != nil {
            fail("a runbook switch while a backup-line rewrite is in flight")
        }

        // Paused emits no action (resuming may act at once: it is no longer paused).
        if after.machine.phase == .paused && effects.contains(where: \.isAction) {
            fail("acted while paused: \(runs)")
        }
        return violations
    }

    /// A snapshot taken at this node and restored gives the same future behaviour: it decodes to
    /// the same state, and the same event then gives the same effects and the same next state.
    func checkSnapshot(of node: Node, replaying event: Event, at now: Instant) -> [String] {
        guard let data = try? JSONEncoder().encode(node.machine.state),
            let snapshot = try? JSONDecoder().decode(ServiceSnapshot.self, from: data)
        else {
            return ["the snapshot cannot be encoded in \(node.machine.phase)"]
        }
        guard snapshot == node.machine.state else { return ["the snapshot does not round-trip in \(node.machine.phase)"] }
        var original = node.machine
        var restored = ServiceStateMachine(config: config, state: snapshot)
        let expected = transition(&original, event, now)
        guard transition(&restored, event, now) == expected, restored == original else {
            return ["a restored snapshot behaves differently after \(event) in \(node.machine.phase)"]
        }
        return []
    }
}

extension BackendHealth {
    /// For the explorer's canonical nodes: instants relative to now and clamped where older
    /// makes no difference, counts capped where more makes no difference, evidence forgotten.
    mutating func canonicalize(now: Instant, detection: DetectionSettings, upHorizon: Duration) {
        consecutiveFailures = min(consecutiveFailures, detection.fall)
        consecutiveSuccesses = min(consecutiveSuccesses, detection.rise)
        failingSince = failingSince.map { Instant(.zero - min(now - $0, detection.minFailureDuration)) }
        upSince = upSince.map { Instant(.zero - min(now - $0, upHorizon)) }
        recentFailures = []
    }
}
