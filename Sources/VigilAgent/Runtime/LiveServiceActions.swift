import Crypto
import Foundation
import Logging
import VigilCore
import VigilHTTP
import VigilHosts
import VigilNotify
import VigilStatus
import VigilUpstream

/// The real `ServiceActions` of one service: libcurl probes, commands on its hosts, the upstream
/// switch, the outbox and the state store.
public struct LiveServiceActions: ServiceActions {
    let service: ServiceDefinition
    let hosts: HostPool
    let engine: HTTPEngine
    let notifier: Notifier?
    let store: StateStore
    let renderer: UpstreamRenderer
    let telemetry: Telemetry?
    /// The check history the pictures are drawn from.
    let availability: AvailabilityHistory?
    let history: IncidentHistory?
    /// This agent's cluster, when it has one: the epoch its writes carry, and the shared snapshot.
    let cluster: ClusterMember?
    private let checkLabels: [Backend: [String]]
    let logger: Logger

    public init(
        service: ServiceDefinition, hosts: HostPool, engine: HTTPEngine = .shared, notifier: Notifier?,
        store: StateStore, telemetry: Telemetry? = nil, history: IncidentHistory? = nil, availability: AvailabilityHistory? = nil,
        cluster: ClusterMember? = nil, logger: Logger
    ) throws {
        self.cluster = cluster
        self.availability = availability
        self.service = service
        self.telemetry = telemetry
        self.history = history
        self.hosts = hosts
        self.engine = engine
        self.notifier = notifier
        self.store = store
        self.logger = logger
        renderer = try service.upstreamRenderer()
        // Worked out once: a check's URL as metrics and the status page show it.
        checkLabels = Dictionary(
            uniqueKeysWithValues: Backend.allCases.map { backend in
                (backend, service.backend(backend).probes.map { HealthCheckReport.shown($0.url) })
            })
    }

    private func definition(_ backend: Backend) -> BackendDefinition { service.backend(backend) }

    public func probe(_ backend: Backend) async -> [ProbeOutcome] {
        let probes = definition(backend).probes
        let results = await withTaskGroup(of: (Int, ProbeOutcome, Double).self) { group in
            for (index, probe) in probes.enumerated() {
                group.addTask {
                    let started = ContinuousClock.now
                    let outcome = await engine.probe(probe)
                    return (index, outcome, started.duration(to: .now).secondsValue)
                }
            }
            var results = [(ProbeOutcome, Double)?](repeating: nil, count: probes.count)
            for await (index, outcome, seconds) in group { results[index] = (outcome, seconds) }
            return results.compactMap { $0 }
        }
        let outcomes = results.map(\.0)
        let now = Date()
        telemetry?.recordChecks(
            service: service.core.name, backend: backend, probes: checkLabels[backend] ?? [],
            outcomes: outcomes, seconds: results.map(\.1), at: now)
        availability?.record(service: service.core.name, backend: backend, outcomes: outcomes, seconds: results.map(\.1), at: now)
        return outcomes
    }

    public func run(_ step: RunbookStep) async -> StepOutcome {
        switch await perform(step) {
        case .failed(let cause, let kind?):
            // The host itself failed: the core picks the retry that fits (watch it, back off, or wait).
            return .failedOnHost(cause, host: service.sshHostName(of: step) ?? "local", kind: kind)
        case .failed(let cause, nil):
            return .failed(cause)
        case .succeeded(let report?):
            return .succeededReporting(report)
        case .succeeded(nil):
            return .succeeded
        }
    }

    /// A step's result before the core's words for it: the transport's kind of failure, when the
    /// host itself failed.
    private enum Performed {
        case succeeded(String?)
        case failed(String, RemoteFailureKind?)
    }

    private func perform(_ step: RunbookStep) async -> Performed {
        let timeout = service.core.runbook.stepTimeout
        switch step {
        case .preHook:
            return await command(service.preHook, on: service.hookHost, timeout: timeout, what: "the pre-hook", report: true)
        case .postHook:
            return await command(service.postHook, on: service.hookHost, timeout: timeout, what: "the post-hook", report: true)
        case .start(let backend):
            return await command(definition(backend).start, on: definition(backend).host, timeout: timeout, what: "the start command")
        case .fence(let backend):
            return await command(definition(backend).stop, on: definition(backend).host, timeout: timeout, what: "the stop command")
        case .gate, .hold, .drain:
            preconditionFailure("gates, holds and drains are the state machine's own steps (timers), never run: \(step)")
        case .switchUpstream(let index, let layout):
            let balancer = service.loadBalancers[index]
            var text: String
            do {
                text = try renderer.text(index, layout)
            } catch {
                return .failed("\(error)", nil)
            }
            var target = target(balancer)
            if let cluster, !cluster.isActingAlone {
                // Every file a leader writes carries its epoch; the script refuses to replace a newer one's.
                guard let epoch = cluster.epoch else { return .failed("\(cluster.config.name) does not lead its cluster now", nil) }
                text = UpstreamSwitcher.epochHeader(epoch, writer: cluster.config.name) + text
                target.epoch = epoch
            }
            let verify = balancer.verifyURL.map { HealthProbe(url: $0, timeout: .seconds(2)) }
            let written = store.writtenUpstream(service: service.core.name, balancer: balancer.name)
            // The operator's own file, replaced for the first time, is kept for good beside it
            // (the backup holds only the file before the latest switch).
            let adopted = written == nil || store.isAdopted(service: service.core.name, balancer: balancer.name)
            let original = balancer.upstreamFile + ".vigil-original"
            if adopted {
                let keep = "[ -e \(shellQuote(original)) ] || cp -p \(shellQuote(balancer.upstreamFile)) \(shellQuote(original))"
                do {
                    let result = try await target.host.run(keep, timeout: service.core.runbook.stepTimeout)
                    guard result.succeeded else { return .failed("keeping the operator's file as \(original) failed: \(result.tail())", nil) }
                } catch {
                    return .failed("keeping the operator's file as \(original) failed: \(error)", error.kind)
                }
            }
            switch await UpstreamSwitcher(engine: engine).apply(text, to: target, verify: verify, expectedSHA256: written.map(Self.sha256)) {
            case .switched(let durations, let replacedHandEdit):
                logger.info(
                    "switched \(balancer.name) to \(layout): \(durations.map { "\($0.key.rawValue) \(DurationText.format(.milliseconds($0.value.wholeMilliseconds)))" }.sorted().joined(separator: ", "))"
                )
                record(text, balancer)
                var notes: [String] = []
                if adopted {
                    logger.notice("\(balancer.name): replaced the operator's \(balancer.upstreamFile); the original is kept in \(original)")
                    notes.append("\(balancer.upstreamFile) was the operator's own (Vigil had not written it); the original is kept in \(original)")
                }
                if replacedHandEdit {
                    logger.warning("\(balancer.name): the file replaced had been edited by hand; the edit is kept in \(target.backupFile)")
                    notes.append("\(balancer.upstreamFile) had been edited by hand; the edit is kept in \(target.backupFile)")
                }
                return .succeeded(notes.isEmpty ? nil : notes.joined(separator: "; "))
            case .failed(let stage, let message, let restored, let transport):
                if stage == .fence, let cluster { cluster.fenced("\(balancer.name): \(message)") }
                return .failed(
                    "\(stage.rawValue) failed on \(balancer.name): \(message)" + (restored ? "" : "; THE PREVIOUS FILE COULD NOT BE RESTORED"),
                    transport)
            }
        case .rollback(let index, _):
            let balancer = service.loadBalancers[index]
            var target = target(balancer)
            target.epoch = cluster?.epoch
            guard await UpstreamSwitcher(engine: engine).restore(target) else {
                return .failed("restoring \(target.backupFile) on \(target.name) failed", nil)
            }
            // The file is the backup again: that is what Vigil last wrote (or the file it found).
            do {
                record(String(decoding: try await target.host.readFile(balancer.upstreamFile), as: UTF8.self), balancer)
            } catch {
                logger.error("\(balancer.name): restored, but cannot read the file back to keep a copy, so hand edits go unnoticed: \(error)")
            }
            return .succeeded(nil)
        }
    }

    /// Keeps what the file holds now; `adopted`: the operator wrote it, not Vigil.
    private func record(_ text: String, _ balancer: LoadBalancerDefinition, adopted: Bool = false) {
        do {
            try store.recordWrittenUpstream(text, service: service.core.name, balancer: balancer.name, adopted: adopted)
        } catch {
            logger.error("\(balancer.name): cannot keep a copy of the file written, so hand edits go unnoticed: \(error)")
        }
    }

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Compares each upstream file with what Vigil last wrote there; returns one line per file
    /// that differs. A file Vigil has never written is adopted as it is, so later edits show.
    /// Also returns what the reading found, for the core (a file that cannot be read is not a
    /// hand edit, but Vigil is blind to it, which the core says and retries), and whether nginx
    /// still accepts its config (`test_command`), in nginx's words when it does not.
    public func checkDrift() async -> DriftReport {
        var report = DriftReport()
        for balancer in service.loadBalancers {
            let (observation, contents) = await observe(balancer)
            report.observations.append(observation)
            guard let text = contents else { continue }
            do {
                let test = try await hosts.host(balancer.host).run("\(balancer.testCommand) 2>&1", timeout: service.core.runbook.stepTimeout)
                if !test.succeeded { report.rejected.append("\(balancer.name): `\(balancer.testCommand)` fails: \(test.tail())") }
            } catch {
                // The host failing is the host checks' and the read's to say; this is about nginx.
                logger.warning("\(balancer.name): the drift check cannot run `\(balancer.testCommand)`: \(error)")
            }
            guard let written = store.writtenUpstream(service: service.core.name, balancer: balancer.name) else {
                record(text, balancer, adopted: true)
                continue
            }
            if let line = LineDiff.firstDifference(written, text) {
                report.drifted.append("\(balancer.name): \(balancer.upstreamFile) differs from what Vigil wrote (line \(line)).")
            }
        }
        return report
    }

    /// For a dry run: what the switch of load balancer `index` to `layout` would change, as a
    /// unified diff of the file.
    public func previewSwitch(_ index: Int, _ layout: UpstreamLayout) async -> String {
        let balancer = service.loadBalancers[index]
        let new: String
        do {
            new = try renderer.text(index, layout)
        } catch {
            return "cannot render: \(error)"
        }
        let current: String
        do {
            current = String(decoding: try await hosts.host(balancer.host).readFile(balancer.upstreamFile), as: UTF8.self)
        } catch {
            return "cannot read \(balancer.upstreamFile) on \(balancer.name): \(error)"
        }
        return LineDiff.unified(
            current, new, oldName: "\(balancer.name):\(balancer.upstreamFile)", newName: "\(balancer.name):\(balancer.upstreamFile) (new)")
    }

    func target(_ balancer: LoadBalancerDefinition) -> LoadBalancerTarget {
        LoadBalancerTarget(
            name: balancer.name, host: hosts.host(balancer.host), upstreamFile: balancer.upstreamFile,
            testCommand: balancer.testCommand, reloadCommand: balancer.reloadCommand,
            commandTimeout: service.core.runbook.stepTimeout)
    }

    /// Runs a step's command; a hook (`report`) leaves its exit status and output tail in the
    /// timeline even when it succeeds, since that is where a team's own scripts say what they did.
    private func command(
        _ command: String?, on host: HostReference?, timeout: Duration, what: String,
        report: Bool = false
    ) async -> Performed {
        guard let command, let host else { return .failed("\(what) is not configured", nil) }
        do {
            let result = try await hosts.host(host).run(command, timeout: timeout)
            guard result.succeeded else {
                return .failed("\(what) exited with \(result.exitStatus.map(String.init) ?? result.signal ?? "?"): \(result.tail())", nil)
            }
            let tail = result.tail()
            return .succeeded(report ? "exit 0" + (tail.isEmpty ? ", no output" : ": \(tail)") : nil)
        } catch {
            return .failed("\(what): \(error)", error.kind)
        }
    }

    public func checkHost(_ name: String) async -> String? {
        guard let reference = service.sshHosts.first(where: { $0.name == name })?.host else { return nil }
        do {
            let result = try await hosts.host(reference).run("true", timeout: .seconds(5))
            return result.succeeded ? nil : "`true` exited with \(result.exitStatus.map(String.init) ?? result.signal ?? "?")"
        } catch {
            return "\(error)"
        }
    }

    public func notify(_ message: Message) async {
        guard let notifier else { return }
        do {
            // An escalation names its channels; everything else follows the service's routes.
            if let channels = message.channels {
                try notifier.enqueue(message, to: channels)
            } else {
                try notifier.enqueue(message, routes: service.notify)
            }
        } catch {
            logger.error("cannot queue the \(message.kind.rawValue) message: \(error)")
        }
    }

    public func persist(_ snapshot: ServiceSnapshot) async throws {
        try store.save(snapshot, service: service.core.name)
        // The leader's state is the cluster's: the next leader resumes from it.
        if let cluster, cluster.standing == .leading {
            try await cluster.saveSnapshot(Array(try JSONEncoder().encode(snapshot)), service: service.core.name)
        }
        telemetry?.observe(service: service.core.name, snapshot: snapshot)
        availability?.serving(snapshot.activeSide, service: service.core.name)
        if let closed = snapshot.lastIncident {
            do {
                try history?.record(closed, service: service.core.name)
            } catch {
                logger.error("cannot keep incident \(closed.id) in the history: \(error)")
            }
        }
    }

    /// Makes nginx's loaded config match its upstream file before anything is decided: a valid
    /// file is loaded (a crash may have come between the swap and the reload); an invalid one
    /// (a crash between the swap and the test) is replaced by the backup.
    /// Returns what went wrong, in nginx's (or the transport's) own words, one line per load
    /// balancer, for the agent to say once the service runs.
    public func reconcileLoadBalancers() async -> [String] {
        var problems: [String] = []
        for balancer in service.loadBalancers {
            let target = target(balancer)
            let command = "\(balancer.testCommand) 2>&1 && \(balancer.reloadCommand) 2>&1"
            let why: String
            do {
                let result = try await target.host.run(command, timeout: service.core.runbook.stepTimeout)
                if result.succeeded { continue }
                why = "`\(balancer.testCommand)` or the reload failed: \(result.tail())"
            } catch {
                // Unreachable: nothing to restore; the upstream read that follows says it too.
                problems.append("\(balancer.name): cannot test nginx's config at start: \(error)")
                continue
            }
            let restored = await UpstreamSwitcher(engine: engine).restore(target)
            let problem =
                "\(balancer.name): the upstream file did not pass the test at start (\(why)); "
                + (restored ? "Vigil restored the backup and reloaded" : "RESTORING THE BACKUP FAILED, nginx needs a person")
            logger.error("\(problem)")
            problems.append(problem)
        }
        return problems
    }

    /// What each load balancer's upstream file names now.
    public func observeUpstreams() async -> [UpstreamObservation] {
        var observations: [UpstreamObservation] = []
        for balancer in service.loadBalancers { observations.append(await observe(balancer).observation) }
        return observations
    }

    /// Reads one upstream file: what it names (with the real cause when it cannot be read, its
    /// server lines quoted when it is not understood), and its text when it could be read.
    private func observe(_ balancer: LoadBalancerDefinition) async -> (observation: UpstreamObservation, contents: String?) {
        let contents: String
        do {
            contents = String(decoding: try await hosts.host(balancer.host).readFile(balancer.upstreamFile), as: UTF8.self)
        } catch {
            // The real cause, said: the core reports it and reads again.
            logger.error("\(balancer.name): cannot read the upstream file \(balancer.upstreamFile): \(error)")
            return (.unreadable("\(balancer.upstreamFile): \(error)"), nil)
        }
        if let layout = UpstreamLayout.parse(contents, primary: service.primary.address, standby: service.standby.address) {
            return (.serving(layout), contents)
        }
        let quoted = Self.serverLines(of: contents)
        let problem =
            "\(balancer.upstreamFile) names neither \(service.primary.address) nor \(service.standby.address) as its only servers"
            + (quoted.isEmpty ? " (it has no server line)" : "; its server lines: \(quoted)")
        logger.error("\(balancer.name): \(problem)")
        return (.unrecognised(problem), contents)
    }

    /// A file's `server` lines, quoted and shortened, so a message shows what the file says.
    static func serverLines(of contents: String) -> String {
        let lines = contents.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix("server ") }
            .prefix(4)
            .map { "`\(String($0.prefix(120)).escapingControlCharacters)`" }
        return lines.joined(separator: ", ")
    }
}
