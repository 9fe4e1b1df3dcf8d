import Logging
import VigilCore

/// Runs one service's state machine: every event goes into the machine with the current instant,
/// and every effect that comes out is carried out; outcomes come back as events. Nothing else
/// changes the machine. Generic over the clock, so tests drive time by hand.
public actor ServiceDriver<C: Clock> where C.Duration == Duration {
    public private(set) var machine: ServiceStateMachine
    private let actions: any ServiceActions
    private let clock: C
    private let epoch: C.Instant
    /// The machine's instant at `epoch`. Snapshots outlive the process, so the agent counts from
    /// a fixed origin (the Unix epoch) rather than from its own start.
    private let origin: Duration
    private let logger: Logger
    private var tasks: [Int: Task<Void, Never>] = [:]
    private var nextTask = 0
    private var stopped = false
    /// The hosts being watched until they answer; one watch per host.
    private var watchedHosts: Set<String> = []
    /// How often a watched host is tried.
    private let watchInterval: Duration
    /// In a cluster, whether this agent may start a step or apply its result now (it leads and
    /// its lease holds); always true alone.
    private let mayAct: @Sendable () -> Bool
    /// Hears the machine after each event (in a cluster: to publish this agent's view).
    private let observe: (@Sendable (ServiceStateMachine, Instant) -> Void)?
    /// Counts machines: a task of a machine that a takeover replaced delivers nothing.
    private var generation = 0
    /// Snapshots are written one at a time, in the order the machine made them: two events
    /// handled while a write waits (for etcd, say) must not land older-after-newer.
    private var persisting = false
    private var persistQueue: [CheckedContinuation<Void, Never>] = []

    public init(
        machine: ServiceStateMachine, actions: any ServiceActions, clock: C, origin: Duration = .zero,
        watchInterval: Duration = .seconds(2), mayAct: @escaping @Sendable () -> Bool = { true },
        observe: (@Sendable (ServiceStateMachine, Instant) -> Void)? = nil, logger: Logger
    ) {
        self.mayAct = mayAct
        self.observe = observe
        self.origin = origin
        self.watchInterval = watchInterval
        self.machine = machine
        self.actions = actions
        self.clock = clock
        epoch = clock.now
        var logger = logger
        logger[metadataKey: "service"] = "\(machine.config.name)"
        self.logger = logger
    }

    /// The machine's instant for the clock's now.
    public var now: Instant { Instant(origin + epoch.duration(to: clock.now)) }
    public var phase: Phase { machine.phase }

    public var isRunningRunbook: Bool { machine.phase.isRunningRunbook }

    /// What a shutdown waits for: a runbook under way, except a drill's hold, which is only a
    /// timer that the next start resumes for what is left of it (a 5-minute hold would outlast
    /// any grace).
    public var mustFinishBeforeStopping: Bool {
        if case .drilling(.hold) = machine.phase { return false }
        return isRunningRunbook
    }

    /// Waits until no runbook is in flight (it finished, rolled back or got stuck) or a drill
    /// holds, at most `limit`; true when that came in time.
    public func waitUntilRunbookEnds(within limit: Duration, checkEvery interval: Duration = .milliseconds(100)) async -> Bool {
        let rounds = Int(limit / interval) + 1
        for _ in 0..<rounds {
            guard mustFinishBeforeStopping else { return true }
            try? await clock.sleep(for: interval)
        }
        return !mustFinishBeforeStopping
    }

    /// Starts watching: `.started` for a new service, or the effects a restore returned.
    public func start(restoredEffects: [Effect]? = nil) async {
        if let restoredEffects {
            await execute(restoredEffects)
        } else {
            await send(.started)
        }
    }

    /// Feeds one event to the machine and carries out its effects; returns the operator's answer
    /// when there is one.
    @discardableResult
    public func send(_ event: Event) async -> OperatorAnswer? {
        guard !stopped else { return nil }
        // An outcome from a machine a takeover replaced belongs to no runbook of this one.
        if let from = DriverTask.generation, from != generation { return nil }
        let effects = machine.handle(event, at: now)
        observe?(machine, now)
        return await execute(effects)
    }

    /// A takeover: the machine restored from the cluster's shared snapshot replaces this one.
    /// Its timers and checks in flight are dropped (their outcomes would be another runbook's),
    /// and the restored machine's effects run.
    public func adopt(_ restored: ServiceStateMachine, effects: [Effect]) async {
        guard !stopped else { return }
        generation += 1
        for task in tasks.values { task.cancel() }
        tasks.removeAll()
        watchedHosts.removeAll()
        machine = restored
        observe?(machine, now)
        await execute(effects)
    }

    /// Cancels timers and waits for the effects in flight to finish, at most `limit`: a step
    /// still running then (a command that outlasts the shutdown grace) is left to the saved
    /// state, which the next start resumes. Their outcomes are dropped.
    public func stop(waitingAtMost limit: Duration = .seconds(2)) async {
        stopped = true
        let running = Array(tasks.values)
        tasks.removeAll()
        for task in running { task.cancel() }
        let clock = clock
        let first = FirstOf()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Task {
                for task in running { await task.value }
                first.resume(continuation)
            }
            Task {
                do {
                    try await clock.sleep(for: limit)
                } catch {
                    // Never cancelled: nothing holds this task but the continuation.
                }
                first.resume(continuation)
            }
        }
    }

    @discardableResult
    private func execute(_ effects: [Effect]) async -> OperatorAnswer? {
        var answer: OperatorAnswer?
        var saved = true
        for effect in effects {
            switch effect {
            case .persist(let snapshot):
                await takePersistTurn()
                do {
                    try await actions.persist(snapshot)
                    saved = true
                } catch {
                    saved = false
                    logger.critical("cannot save the state before acting: \(error)")
                }
                endPersistTurn()
            case .run(let step):
                guard mayAct() else {
                    // The lease is in doubt or another agent leads: that one finishes the runbook.
                    logger.warning("not starting \(step): this agent does not lead its cluster now; the leader finishes the runbook")
                    continue
                }
                guard saved else {
                    // Never act on a step whose snapshot is not on disk: report it failed instead.
                    spawn { await $0.send(.stepFinished(step, .failed("the state could not be saved before this step"))) }
                    continue
                }
                logger.info("running \(step)")
                spawn { [actions, mayAct, logger] driver in
                    let outcome = await actions.run(step)
                    // A step can outlast the lease: its result is trusted only while the lease still holds.
                    guard mayAct() else {
                        logger.warning(
                            "\(step) ended (\(outcome)) after this agent stopped leading: its result is not applied; the next leader reconciles")
                        return
                    }
                    await driver.send(.stepFinished(step, outcome))
                }
            case .listBackup(let index, let layout):
                let listing = BackupListing(loadBalancer: index, layout: layout)
                guard mayAct() else {
                    logger.warning("not rewriting load balancer \(index)'s backup line: this agent does not lead its cluster now")
                    continue
                }
                guard saved else {
                    spawn { await $0.send(.backupListed(listing, .failed("the state could not be saved before this rewrite"))) }
                    continue
                }
                logger.info("rewriting load balancer \(index)'s upstream to \(layout) (the warm standby's backup line)")
                spawn { [actions] driver in
                    let outcome = await actions.run(.switchUpstream(loadBalancer: index, to: layout))
                    await driver.send(.backupListed(listing, outcome))
                }
            case .probe(let backend):
                spawn { [actions] driver in
                    let outcomes = await actions.probe(backend)
                    await driver.send(.probeFinished(backend, outcomes))
                }
            case .schedule(let timer, let delay):
                spawn { [clock] driver in
                    do {
                        try await clock.sleep(for: delay)
                    } catch {
                        return  // cancelled at stop
                    }
                    await driver.send(.timerFired(timer))
                }
            case .notify(let message):
                logger.notice("\(message.kind.rawValue): \(message.reason)")
                // A follower's reminders, warnings and checks are the leader's to say; what it
                // says is its own standing (and all of an operator's --without-cluster runbook).
                if case .following? = machine.cluster.standing, !message.kind.isAboutTheAgent, !mayAct() {
                    logger.debug("not sent: the leader says what concerns the service")
                    continue
                }
                await actions.notify(message)
            case .answer(let reply):
                answer = reply
            case .observeUpstreams:
                spawn { [actions] driver in
                    let observations = await actions.observeUpstreams()
                    await driver.send(.upstreamsObserved(observations))
                }
            case .checkHosts:
                for host in machine.config.hosts {
                    spawn { [actions] driver in
                        let problem = await actions.checkHost(host)
                        await driver.send(.hostChecked(host, problem: problem))
                    }
                }
            case .preflight:
                spawn { [actions] driver in
                    let findings = await actions.preflight()
                    await driver.send(.preflightFinished(findings: findings))
                }
            case .watchHost(let host):
                guard watchedHosts.insert(host).inserted else { continue }
                spawn { [actions, clock, watchInterval] driver in
                    await driver.watch(host, actions: actions, clock: clock, every: watchInterval)
                }
            }
        }
        return answer
    }

    /// Tries the host every `interval` until it answers (or the driver stops), then reports it.
    private func watch(_ host: String, actions: any ServiceActions, clock: C, every interval: Duration) async {
        defer { watchedHosts.remove(host) }
        while !Task.isCancelled {
            let started = clock.now
            if await actions.checkHost(host) == nil {
                watchedHosts.remove(host)
                await send(.hostChecked(host, problem: nil))
                return
            }
            do {
                try await clock.sleep(until: started.advanced(by: interval), tolerance: nil)
            } catch {
                return  // cancelled at stop
            }
        }
    }

    /// Waits for the writes made before this one (a turn is taken without suspending when none waits).
    private func takePersistTurn() async {
        guard persisting else {
            persisting = true
            return
        }
        await withCheckedContinuation { persistQueue.append($0) }
    }

    private func endPersistTurn() {
        if persistQueue.isEmpty {
            persisting = false
        } else {
            persistQueue.removeFirst().resume()
        }
    }

    private func spawn(_ work: @escaping @Sendable (ServiceDriver) async -> Void) {
        let id = nextTask
        nextTask += 1
        let generation = generation
        tasks[id] = Task { [weak self] in
            guard let self else { return }
            await DriverTask.$generation.withValue(generation) { await work(self) }
            await self.finished(id)
        }
    }

    private func finished(_ id: Int) { tasks[id] = nil }
}
