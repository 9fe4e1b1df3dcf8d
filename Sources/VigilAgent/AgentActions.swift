import Foundation
import Logging
import VigilCore
import VigilHTTP
import VigilSSH
import VigilTemplates

/// The real `ServiceActions` of one service: libcurl probes, commands on its hosts, the upstream
/// switch, the outbox and the state store.
public struct AgentActions: ServiceActions {
    let service: ServiceDefinition
    let hosts: HostPool
    let engine: HTTPEngine
    let notifier: Notifier?
    let store: StateStore
    let templates: [UpstreamTemplate]
    let logger: Logger

    public init(service: ServiceDefinition, hosts: HostPool, engine: HTTPEngine = .shared, notifier: Notifier?,
                store: StateStore, logger: Logger) throws {
        self.service = service
        self.hosts = hosts
        self.engine = engine
        self.notifier = notifier
        self.store = store
        self.logger = logger
        templates = try service.loadBalancers.map { balancer in
            guard let path = balancer.template else { return try UpstreamTemplate() }
            let text = try String(contentsOfFile: path, encoding: .utf8)
            return try UpstreamTemplate(text: text, origin: path)
        }
    }

    private func definition(_ backend: Backend) -> BackendDefinition {
        switch backend {
        case .primary: service.primary
        case .standby: service.standby
        }
    }

    public func probe(_ backend: Backend) async -> [ProbeOutcome] {
        let probes = definition(backend).probes
        return await withTaskGroup(of: (Int, ProbeOutcome).self) { group in
            for (index, probe) in probes.enumerated() {
                group.addTask { (index, await engine.probe(probe)) }
            }
            var outcomes = [ProbeOutcome?](repeating: nil, count: probes.count)
            for await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes.compactMap { $0 }
        }
    }

    public func run(_ step: RunbookStep) async -> StepOutcome {
        let timeout = service.core.runbook.stepTimeout
        switch step {
        case .preHook:
            return await command(service.preHook, on: service.hookHost, timeout: timeout, what: "the pre-hook")
        case .postHook:
            return await command(service.postHook, on: service.hookHost, timeout: timeout, what: "the post-hook")
        case .start(let backend):
            return await command(definition(backend).start, on: definition(backend).host, timeout: timeout, what: "the start command")
        case .fence(let backend):
            return await command(definition(backend).stop, on: definition(backend).host, timeout: timeout, what: "the stop command")
        case .gate:
            preconditionFailure("the gate is the state machine's own step, never run: \(step)")
        case .switchUpstream(let index, let layout):
            let balancer = service.loadBalancers[index]
            var servers = [UpstreamServer(address: definition(layout.active).address)]
            if let backup = layout.backup { servers.append(UpstreamServer(address: definition(backup).address, backup: true)) }
            let text: String
            do {
                text = try templates[index].render(service: service.core.name, upstream: balancer.upstreamName, servers: servers)
            } catch {
                return .failed("\(error)")
            }
            let verify = balancer.verifyURL.map { HealthProbe(url: $0, timeout: .seconds(2)) }
            switch await UpstreamSwitcher(engine: engine).apply(text, to: target(balancer), verify: verify) {
            case .switched(let durations):
                logger.info("switched \(balancer.name) to \(layout): \(durations.map { "\($0.key.rawValue) \(DurationText.format(.milliseconds($0.value.wholeMilliseconds)))" }.sorted().joined(separator: ", "))")
                return .succeeded
            case .failed(let stage, let message, let restored):
                return .failed("\(stage.rawValue) failed on \(balancer.name): \(message)" + (restored ? "" : "; THE PREVIOUS FILE COULD NOT BE RESTORED"))
            }
        case .rollback(let index, _):
            let target = target(service.loadBalancers[index])
            return await UpstreamSwitcher(engine: engine).restore(target)
                ? .succeeded : .failed("restoring \(target.backupFile) on \(target.name) failed")
        }
    }

    func target(_ balancer: LoadBalancerDefinition) -> LoadBalancerTarget {
        LoadBalancerTarget(name: balancer.name, host: hosts.host(balancer.host), upstreamFile: balancer.upstreamFile,
                           testCommand: balancer.testCommand, reloadCommand: balancer.reloadCommand,
                           commandTimeout: service.core.runbook.stepTimeout)
    }

    private func command(_ command: String?, on host: HostReference?, timeout: Duration, what: String) async -> StepOutcome {
        guard let command, let host else { return .failed("\(what) is not configured") }
        do {
            let result = try await hosts.host(host).run(command, timeout: timeout)
            return result.succeeded ? .succeeded : .failed("\(what) exited with \(result.exitStatus.map(String.init) ?? result.signal ?? "?"): \(result.tail())")
        } catch {
            return .failed("\(what): \(error)")
        }
    }

    public func notify(_ message: Message) async {
        guard let notifier, !service.notify.isEmpty else { return }
        do {
            try notifier.enqueue(message, to: service.notify)
        } catch {
            logger.error("cannot queue the \(message.kind.rawValue) message: \(error)")
        }
    }

    public func persist(_ snapshot: ServiceSnapshot) async throws {
        try store.save(snapshot, service: service.core.name)
    }

    /// Makes nginx's loaded config match its upstream file before anything is decided: a valid
    /// file is loaded (a crash may have come between the swap and the reload); an invalid one
    /// (a crash between the swap and the test) is replaced by the backup.
    public func reconcileLoadBalancers() async {
        for balancer in service.loadBalancers {
            let target = target(balancer)
            let command = "\(balancer.testCommand) 2>&1 && \(balancer.reloadCommand) 2>&1"
            if let result = try? await target.host.run(command, timeout: service.core.runbook.stepTimeout), result.succeeded { continue }
            let restored = await UpstreamSwitcher(engine: engine).restore(target)
            logger.error("\(balancer.name): the upstream file did not pass the test at start; \(restored ? "restored the backup" : "RESTORING THE BACKUP FAILED")")
        }
    }

    /// What each load balancer's upstream file names now.
    public func observeUpstreams() async -> [UpstreamLayout?] {
        var layouts: [UpstreamLayout?] = []
        for balancer in service.loadBalancers {
            let text = try? await hosts.host(balancer.host).readFile(balancer.upstreamFile)
            layouts.append(text.flatMap { UpstreamLayout.parse(String(decoding: $0, as: UTF8.self),
                                                               primary: service.primary.address, standby: service.standby.address) })
        }
        return layouts
    }
}
