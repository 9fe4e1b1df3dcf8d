import Foundation
import Logging
import VigilCore
import VigilHTTP

/// The daemon: every configured service watched by its own driver, one notifier, one pool of
/// hosts, until the task running it is cancelled.
public enum Agent {
    /// Instants in saved state must mean the same after a restart: time since the Unix epoch.
    static func wallClockNow() -> Instant {
        Instant(.milliseconds(Int64(Date().timeIntervalSince1970 * 1_000)))
    }

    public static func run(config: AgentConfig, logger: Logger) async throws {
        let store = try StateStore(folder: config.stateDirectory)
        let notifier = try Notifier(stateDirectory: config.stateDirectory, channels: config.channels,
                                    agentHost: ProcessInfo.processInfo.hostName, logger: logger)
        notifier.start()
        let hosts = HostPool(ssh: config.ssh)
        var drivers: [ServiceDriver<ContinuousClock>] = []
        for service in config.services {
            let actions = try AgentActions(service: service, hosts: hosts, notifier: notifier, store: store, logger: logger)
            await actions.reconcileLoadBalancers()
            let observed = await actions.observeUpstreams()
            if let snapshot = try store.load(service: service.core.name) {
                let (machine, effects) = ServiceStateMachine.restore(config: service.core, snapshot: snapshot, observed: observed,
                                                                     at: wallClockNow())
                let driver = ServiceDriver(machine: machine, actions: actions, clock: ContinuousClock(),
                                           origin: wallClockNow().sinceEpoch, logger: logger)
                logger.info("\(service.core.name): resuming from its saved state (\(machine.phase))")
                await driver.start(restoredEffects: effects)
                drivers.append(driver)
            } else {
                let machine = ServiceStateMachine(config: service.core, upstreams: observed)
                let driver = ServiceDriver(machine: machine, actions: actions, clock: ContinuousClock(),
                                           origin: wallClockNow().sinceEpoch, logger: logger)
                logger.info("\(service.core.name): watching, \(machine.phase)")
                await driver.start()
                drivers.append(driver)
            }
        }
        let handler = ControlHandler(drivers: Dictionary(uniqueKeysWithValues: zip(config.services.map(\.core.name), drivers)))
        let control = ControlServer(path: config.controlSocket, group: config.controlGroup, logger: logger) { request, uid, reply in
            await handler.handle(request, uid: uid, reply: reply)
        }
        try control.start()
        defer { control.stop() }
        // Runs until cancelled (SIGTERM or SIGINT), then stops in order.
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(3_600))
        }
        for driver in drivers { await driver.stop() }
        await notifier.stop()
        await hosts.closeAll()
        logger.info("stopped")
    }
}
