import Foundation
import Logging
import VigilCore
import VigilNotify
import VigilStatus

/// The services of one process, watched: the state store, the notifier, the hosts and one driver
/// a service, restored from its saved state after nginx was made to match its file; and the
/// drift check. Both the daemon and a one-off `vigil failover` without a daemon run one, under
/// the run lock.
final class AgentRuntime: Sendable {
    let services: [RunningService]
    let handler: ControlHandler
    let status: StatusSource
    private let notifier: Notifier
    private let hosts: HostPool
    private let driftTask: Task<Void, Never>?
    private let heartbeatTask: Task<Void, Never>?
    private let drillTasks: [Task<Void, Never>]
    private let maintenanceTask: Task<Void, Never>
    private let availabilityTask: Task<Void, Never>
    private let cluster: ClusterRuntime?
    /// The leader's side of forwarded operator requests, and the shared maintenance windows.
    private let clusterTasks: [Task<Void, Never>]
    private let logger: Logger

    private init(
        services: [RunningService], status: StatusSource, notifier: Notifier, hosts: HostPool, driftCheckInterval: Duration?,
        heartbeat: HeartbeatSettings?, drills: [String: [DrillSchedule]], maintenance: MaintenanceWatch,
        availability: (AvailabilityHistory, AvailabilityStore), cluster: ClusterRuntime?, logger: Logger
    ) {
        self.cluster = cluster
        availabilityTask = Task { await availability.1.keep(availability.0) }
        self.services = services
        self.status = status
        self.notifier = notifier
        self.hosts = hosts
        self.logger = logger
        let handler = ControlHandler(status: status, maintenance: maintenance)
        self.handler = handler
        clusterTasks =
            cluster.map { cluster in
                [
                    Task {
                        await ForwardedRequest.serve(member: cluster.member, logger: logger) { request, who, reply in
                            await handler.handle(request, who: who, forwarded: true, reply: reply)
                        }
                    },
                    Task { await ClusterMaintenance.sync(member: cluster.member, store: maintenance.book.store, watch: maintenance, logger: logger) },
                ]
            } ?? []
        maintenanceTask = Task { await MaintenanceScheduler.run(services: services, watch: maintenance, logger: logger) }
        driftTask = driftCheckInterval.map { interval in
            Task { await Self.checkDrift(of: services, every: interval, cluster: cluster?.member, logger: logger) }
        }
        heartbeatTask = heartbeat.map { settings in Task { await Heartbeat.run(settings, status: status, logger: logger) } }
        drillTasks = services.compactMap { service in
            guard let schedules = drills[service.name], !schedules.isEmpty else { return nil }
            return Task {
                await DrillScheduler.run(
                    service: service.name, schedules: schedules, driver: service.driver, actions: service.actions,
                    leads: { cluster?.member.standing ?? .leading == .leading }, logger: logger)
            }
        }
    }

    /// Sets up and starts every service; `driftCheckInterval` nil leaves the drift check out,
    /// `heartbeat` nil the dead man's switch, `scheduledDrills` false the drills' schedules (a
    /// one-off run is no watchdog).
    static func start(
        config: AgentConfig, driftCheckInterval: Duration?, heartbeat: HeartbeatSettings? = nil, scheduledDrills: Bool = false,
        logger: Logger
    ) async throws -> AgentRuntime {
        let store = try StateStore(folder: config.stateDirectory)
        let telemetry = Telemetry()
        let history = IncidentHistory(folder: config.stateDirectory, logger: logger)
        let member = config.cluster.map { cluster in
            ClusterMember(config: cluster, observe: { telemetry.recordEtcdRequest(seconds: $0.secondsValue) }, logger: logger)
        }
        // In a cluster an incident's messages carry the agent's name in the cluster.
        let agentHost = config.cluster?.name ?? ProcessInfo.processInfo.hostName
        let notifier = try Notifier(
            stateDirectory: config.stateDirectory, channels: config.channels,
            agentHost: agentHost, publicWording: config.publicWording,
            observe: { telemetry.recordDelivery(channel: $0, result: $1.rawValue) }, logger: logger)
        notifier.start()
        let hosts = HostPool(ssh: config.ssh)
        let maintenance = MaintenanceWatch(book: config.maintenanceBook)
        let availabilityStore = AvailabilityStore(folder: config.stateDirectory, logger: logger)
        let availability = AvailabilityHistory(services: availabilityStore.load(services: config.services.map(\.core.name)))
        var services: [RunningService] = []
        for service in config.services {
            let name = service.core.name
            let actions = try LiveServiceActions(
                service: service, hosts: hosts, notifier: notifier, store: store, telemetry: telemetry,
                history: history, availability: availability, cluster: member, logger: logger)
            // In a cluster only the leader's lease lets a step start, and every machine's view is published.
            var mayAct: @Sendable () -> Bool = { true }
            var observe: (@Sendable (ServiceStateMachine, Instant) -> Void)?
            if let member {
                mayAct = { member.mayAct }
                observe = { machine, now in member.publish(machine.vantageView(at: now), service: name) }
            }
            let startProblems = await actions.reconcileLoadBalancers()
            let observed = await actions.observeUpstreams()
            let driver: ServiceDriver<ContinuousClock>
            if let snapshot = try store.load(service: name) {
                // What happened before this process is not counted again in its metrics.
                telemetry.observe(service: name, snapshot: snapshot, counting: false)
                let (machine, effects) = ServiceStateMachine.restore(
                    config: service.core, snapshot: snapshot, observations: observed,
                    at: Agent.wallClockNow())
                driver = ServiceDriver(
                    machine: machine, actions: actions, clock: ContinuousClock(),
                    origin: Agent.wallClockNow().sinceEpoch, mayAct: mayAct, observe: observe, logger: logger)
                logger.info("\(name): resuming from its saved state (\(machine.phase))")
                await driver.start(restoredEffects: effects)
            } else {
                let machine = ServiceStateMachine(config: service.core, observations: observed)
                driver = ServiceDriver(
                    machine: machine, actions: actions, clock: ContinuousClock(),
                    origin: Agent.wallClockNow().sinceEpoch, mayAct: mayAct, observe: observe, logger: logger)
                logger.info("\(name): watching, \(machine.phase)")
                await driver.start()
            }
            for problem in startProblems {
                await actions.notify(Message(kind: .loadBalancerCheckFailed, service: name, reason: problem, at: Agent.wallClockNow()))
            }
            services.append(RunningService(name: name, driver: driver, actions: actions))
        }
        let cluster = member.map { ClusterRuntime(member: $0, services: services, logger: logger) }
        let status = StatusSource(
            services: services, telemetry: telemetry, history: history,
            agentHost: agentHost, cluster: member, publicURL: config.statusPublicURL, notifier: notifier, hosts: hosts,
            maintenance: maintenance, naming: config.publicNaming, availability: availability)
        return AgentRuntime(
            services: services, status: status, notifier: notifier, hosts: hosts,
            driftCheckInterval: driftCheckInterval, heartbeat: heartbeat,
            drills: scheduledDrills ? Dictionary(uniqueKeysWithValues: config.services.map { ($0.core.name, $0.drills) }) : [:],
            maintenance: maintenance, availability: (availability, availabilityStore), cluster: cluster, logger: logger)
    }

    /// Stops in order: a runbook in flight gets up to `grace` to finish (or roll back); past it,
    /// the saved state resumes it at the next start. With `deliverWithin`, waits that long for
    /// the outboxes to empty; what is left stays on disk for the daemon. Returns how many
    /// messages are left.
    @discardableResult
    func shutdown(grace: Duration, deliverWithin: Duration? = nil) async -> Int {
        driftTask?.cancel()
        heartbeatTask?.cancel()
        for task in drillTasks { task.cancel() }
        maintenanceTask.cancel()
        for task in clusterTasks { task.cancel() }
        availabilityTask.cancel()
        await availabilityTask.value  // saved once more as it ends
        await withTaskGroup(of: Void.self) { group in
            for service in services {
                group.addTask { [logger] in
                    guard await service.driver.mustFinishBeforeStopping else {
                        if case .drilling(let step) = await service.driver.phase {
                            logger.notice("\(service.name): stopping during the drill's \(step); the next start resumes it for what is left")
                        }
                        return
                    }
                    logger.notice("\(service.name): waiting up to \(DurationText.format(grace)) for the runbook in flight before stopping")
                    if await !service.driver.waitUntilRunbookEnds(within: grace) {
                        let phase = await service.driver.phase
                        logger.warning(
                            "\(service.name): stopping in the middle of a runbook (\(phase)); the next start resumes it from the saved state")
                    }
                }
            }
        }
        for service in services { await service.driver.stop() }
        await cluster?.stop()
        var left = 0
        if let deliverWithin { left = await notifier.drain(within: deliverWithin) }
        await notifier.stop()
        await hosts.closeAll()
        return left
    }

    /// Compares the upstream files with what Vigil last wrote, now and every `interval`, and
    /// warns (log and message) when a file's difference changes. Never while a runbook is
    /// writing them, and never acted on.
    private static func checkDrift(of services: [RunningService], every interval: Duration, cluster: ClusterMember?, logger: Logger) async {
        var reported: [String: [String]] = [:]
        var rejections: [String: [String]] = [:]
        while !Task.isCancelled {
            // In a cluster the leader checks the files; the others would only say it again.
            for service in services where cluster?.standing ?? .leading == .leading {
                guard await !service.driver.isRunningRunbook else { continue }
                let report = await service.actions.checkDrift()
                guard await !service.driver.isRunningRunbook else { continue }
                await service.driver.send(.upstreamsObserved(report.observations))
                if report.rejected != rejections[service.name, default: []] {
                    rejections[service.name] = report.rejected
                    for problem in report.rejected {
                        logger.error("\(service.name): \(problem)")
                        await service.actions.notify(
                            Message(
                                kind: .loadBalancerCheckFailed, service: service.name,
                                reason: "\(problem); a switch there would fail until it is fixed", at: Agent.wallClockNow()))
                    }
                }
                guard report.drifted != reported[service.name, default: []] else { continue }
                reported[service.name] = report.drifted
                guard !report.drifted.isEmpty else { continue }
                let reason = report.drifted.joined(separator: " ")
                logger.warning("\(service.name): an upstream file was edited by hand: \(reason) Vigil does not act on the edit.")
                await service.actions.notify(Message(kind: .upstreamEdited, service: service.name, reason: reason, at: Agent.wallClockNow()))
            }
            do {
                try await Task.sleep(for: interval)
            } catch {
                return  // cancelled at shutdown
            }
        }
    }
}
