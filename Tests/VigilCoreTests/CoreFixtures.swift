import VigilCore

let ok: [ProbeOutcome] = [.healthy(ProbeTimings())]
let refused: [ProbeOutcome] = [.failed(.refused)]

extension ServiceConfig {
    /// A small service: one load balancer, a cold standby watched while idle, no hooks, no
    /// preflight (its tests turn it on).
    static func fixture(
        fall: Int = 3, rise: Int = 2, minFailure: Duration = .seconds(2), loadBalancers: Int = 1,
        mode: StandbyMode = .cold, watchStandby: Bool = true, failback: FailbackPolicy = .default,
        configure: (inout ServiceConfig) -> Void = { _ in }
    ) -> ServiceConfig {
        var detection = DetectionSettings()
        detection.fall = fall
        detection.rise = rise
        detection.minFailureDuration = minFailure
        var config = ServiceConfig(
            name: "shop",
            standby: BackendSettings(canStart: mode == .cold, canStop: true, watchedWhileIdle: watchStandby),
            standbyMode: mode, loadBalancers: (0..<loadBalancers).map { "lb\($0)" }, detection: detection,
            failback: failback)
        config.preflightInterval = nil
        configure(&config)
        return config
    }
}

extension Array where Element == Effect {
    /// The effects without snapshots, for tests about what is done rather than what is saved.
    var acting: [Effect] { filter { if case .persist = $0 { false } else { true } } }
    var runs: [RunbookStep] { compactMap { if case .run(let step) = $0 { step } else { nil } } }
    var messages: [Message] { compactMap { if case .notify(let message) = $0 { message } else { nil } } }
    var messageKinds: [MessageKind] { messages.map(\.kind) }
    var timers: [TimerID] { compactMap { if case .schedule(let timer, _) = $0 { timer } else { nil } } }
    var saves: Int { filter { if case .persist = $0 { true } else { false } }.count }
}

/// Drives a machine the way the driver would, keeping the clock.
struct Scenario {
    var machine: ServiceStateMachine
    var now: Instant = .zero

    init(_ config: ServiceConfig = .fixture(), serving: Backend = .primary) {
        let layout = UpstreamLayout(active: serving)
        machine = ServiceStateMachine(config: config, upstreams: Array(repeating: layout, count: config.loadBalancers.count))
    }

    @discardableResult
    mutating func handle(_ event: Event, after delay: Duration = .zero) -> [Effect] {
        now = now + delay
        return machine.handle(event, at: now)
    }

    /// One probe round as the driver runs it: the loop's timer fires (if one waits), then the
    /// result arrives. Returns the result's effects.
    @discardableResult
    mutating func probe(_ backend: Backend, _ outcomes: [ProbeOutcome], after delay: Duration = .milliseconds(250)) -> [Effect] {
        now = now + delay
        if case .waiting(let generation) = machine.state.probes[backend] {
            _ = machine.handle(.timerFired(.probe(backend, generation: generation)), at: now)
        }
        return machine.handle(.probeFinished(backend, outcomes), at: now)
    }

    /// Primary checks fail until the machine starts a runbook (bounded), returning that round's effects.
    @discardableResult
    mutating func failPrimary(every delay: Duration = .milliseconds(500)) -> [Effect] {
        for _ in 0..<20 {
            let effects = probe(.primary, refused, after: delay)
            if machine.state.runbook != nil { return effects }
        }
        return []
    }

    /// The standby passes checks until the gate passes (bounded), returning the last effects.
    @discardableResult
    mutating func passGate(_ backend: Backend = .standby) -> [Effect] {
        for _ in 0..<10 {
            let effects = probe(backend, ok)
            if case .gate = machine.state.runbook?.currentStep { continue }
            return effects
        }
        return []
    }

    var step: RunbookStep? { machine.state.runbook?.currentStep }

    /// Ends the warm standby's backup-line rewrite in flight, if any, as `outcome`.
    @discardableResult
    mutating func finishBackupListing(_ outcome: StepOutcome = .succeeded) -> [Effect] {
        guard let listing = machine.state.backupListing else { return [] }
        return handle(.backupListed(listing, outcome), after: .milliseconds(100))
    }

    @discardableResult
    mutating func finishStep(_ outcome: StepOutcome = .succeeded, after delay: Duration = .milliseconds(100)) -> [Effect] {
        guard let step else { return [] }
        return handle(.stepFinished(step, outcome), after: delay)
    }

    /// Runs a whole failover of a cold standby to its end.
    mutating func failOver() {
        failPrimary()
        finishStep()  // start
        passGate()
        for _ in 0..<10 where step != nil { finishStep() }
    }
}
