import Foundation
import Synchronization
import Testing
import VigilAgent
import VigilCore
import VigilLab

/// Records what the driver asks for and answers as a test sets it up.
final class FakeActions: ServiceActions {
    struct State {
        /// A cold standby: down until its start step runs.
        var healthy: [Backend: Bool] = [.primary: true, .standby: false]
        var failing: Set<String> = []
        var persistFails = false
        var log: [String] = []
        var messages: [MessageKind] = []
        /// When each message was said, on the machine's clock.
        var saidAt: [Instant] = []
        var lastSaved: ServiceSnapshot?
        var observations: [UpstreamObservation] = [.serving(UpstreamLayout(active: .primary))]
        /// Hosts that do not answer, with the cause.
        var unreachable: [String: String] = [:]
        var hostChecks: [String] = []
        var preflightFindings: [String] = []
    }

    let state = Mutex(State())

    func probe(_ backend: Backend) async -> [ProbeOutcome] {
        state.withLock { $0.healthy[backend] == true } ? [.healthy(ProbeTimings())] : [.failed(.refused)]
    }

    func run(_ step: RunbookStep) async -> StepOutcome {
        state.withLock { state in
            state.log.append("run \(step) (saved at \(state.lastSaved?.runbook?.currentStep.map { "\($0)" } ?? "none"))")
            if state.failing.contains("\(step)") { return .failed("injected failure") }
            if case .start(let backend) = step { state.healthy[backend] = true }
            return .succeeded
        }
    }

    func notify(_ message: Message) async {
        state.withLock {
            $0.messages.append(message.kind)
            $0.saidAt.append(message.at)
        }
    }

    func observeUpstreams() async -> [UpstreamObservation] {
        state.withLock { $0.observations }
    }

    func checkHost(_ host: String) async -> String? {
        state.withLock { state in
            state.hostChecks.append(host)
            return state.unreachable[host]
        }
    }

    func preflight() async -> [String] {
        state.withLock { $0.preflightFindings }
    }

    func persist(_ snapshot: ServiceSnapshot) async throws {
        try state.withLock { state in
            if state.persistFails { throw CocoaError(.fileWriteOutOfSpace) }
            state.lastSaved = snapshot
        }
    }
}

@Suite struct ServiceDriverTests {
    let clock = ManualClock()
    let actions = FakeActions()
    let recorder = LogRecorder()

    private func driver(_ config: ServiceConfig = ServiceConfig(name: "shop", loadBalancers: ["lb0"])) -> ServiceDriver<ManualClock> {
        ServiceDriver(
            machine: ServiceStateMachine(config: config, upstreams: [UpstreamLayout(active: .primary)]),
            actions: actions, clock: clock, logger: recorder.logger())
    }

    /// Moves the test clock in small steps until `condition` holds (bounded in real time).
    private func drive(_ what: String, _ condition: @escaping () async -> Bool) async throws {
        // Generous: the suite's real servers load the machine; this is about order, not speed.
        try await LabWait.until(what, timeout: .seconds(60), interval: .milliseconds(1)) {
            clock.advance(by: .milliseconds(50))
            return await condition()
        }
    }

    @Test func aSustainedFailureRunsTheWholeRunbookWithEachStepSavedFirst() async throws {
        let driver = driver()
        await driver.start()
        try await drive("the primary to be up") { await driver.machine.state.health[.primary]?.status == .up }
        actions.state.withLock { $0.healthy[.primary] = false }
        try await drive("the failover to finish") { await driver.phase == .secondaryActive }
        // The phase changes when the machine handles the event; its effects (save, say) follow
        // on the actor, so a read in between sees the new phase before them.
        try await drive("the failover's last effects to be carried out") {
            actions.state.withLock { $0.messages.count >= 2 && $0.lastSaved?.phase.isRunningRunbook == false }
        }
        let log = actions.state.withLock { $0.log }
        #expect(
            log == [
                "run start standby (saved at start standby)",
                "run switch load balancer 0 to standby (saved at switch load balancer 0 to standby)",
            ])
        #expect(actions.state.withLock { $0.messages } == [.incidentStarted, .incidentResolved])
        #expect(actions.state.withLock { $0.lastSaved?.phase } == .secondaryActive)
        await driver.stop()
    }

    @Test func aStepWhoseSnapshotCannotBeSavedIsNotRun() async throws {
        let driver = driver()
        await driver.start()
        try await drive("the primary to be up") { await driver.machine.state.health[.primary]?.status == .up }
        actions.state.withLock {
            $0.healthy[.primary] = false
            $0.persistFails = true
        }
        try await drive("the runbook to stop") { if case .stuck = await driver.phase { true } else { false } }
        #expect(actions.state.withLock { $0.log }.isEmpty, "nothing ran")
        #expect(recorder.all.contains { $0.contains("cannot save the state") })
        await driver.stop()
    }

    @Test func operatorRequestsAreAnswered() async throws {
        let driver = driver()
        await driver.start()
        let answer = await driver.send(.operatorRequested(OperatorRequest(.failover(skipGate: false, dryRun: true), by: "ana", reason: "plan")))
        guard case .plan(_, let steps) = answer else {
            Issue.record("expected a plan, got \(String(describing: answer))")
            return
        }
        #expect(steps.first == .start(.standby))
        await driver.stop()
    }

    @Test func theStateStoreRoundTripsAndRefusesACorruptFile() throws {
        let folder = try LabFolder(prefix: "state")
        defer { folder.remove() }
        let store = try StateStore(folder: folder.path)
        #expect(try store.load(service: "shop") == nil)
        let snapshot = ServiceStateMachine(
            config: ServiceConfig(name: "shop", loadBalancers: ["lb0"]),
            upstreams: [UpstreamLayout(active: .primary)]
        ).state
        try store.save(snapshot, service: "shop")
        #expect(try store.load(service: "shop") == snapshot)
        let mode = try FileManager.default.attributesOfItem(atPath: store.path(of: "shop"))[.posixPermissions] as? Int
        #expect(mode == 0o600)
        try "{ not json".write(toFile: store.path(of: "shop"), atomically: true, encoding: .utf8)
        #expect(throws: StateStore.CorruptState.self) { try store.load(service: "shop") }
    }
}

extension ServiceDriverTests {
    /// Escalation on the driver's clock: a stuck failover nobody acknowledged reaches the first
    /// step's channels when it is due; once acknowledged, the next step never comes.
    @Test func anUnacknowledgedIncidentEscalatesOnTheClockAndAnAcknowledgedOneStops() async throws {
        var config = ServiceConfig(name: "shop", loadBalancers: ["lb0"])
        config.escalation = [EscalationStep(after: .seconds(600), channels: ["pager"]), EscalationStep(after: .seconds(1_800), channels: ["boss"])]
        actions.state.withLock { $0.failing = ["start standby"] }
        let driver = driver(config)
        await driver.start()
        try await drive("the primary to be up") { await driver.machine.state.health[.primary]?.status == .up }
        actions.state.withLock { $0.healthy[.primary] = false }
        try await drive("the failover to get stuck") { if case .stuck = await driver.phase { true } else { false } }
        let opened = try #require(await driver.machine.state.incident?.openedAt)
        try await LabWait.until("the first escalation", timeout: .seconds(60), interval: .milliseconds(1)) {
            clock.advance(by: .seconds(5))
            return actions.state.withLock { $0.messages.contains(.incidentEscalated) }
        }
        // When the machine said it, not when this loop noticed (the clock runs on meanwhile).
        let escalatedAt = try #require(
            actions.state.withLock { state in state.messages.firstIndex(of: .incidentEscalated).map { state.saidAt[$0] } })
        #expect(escalatedAt - opened >= .seconds(600) && escalatedAt - opened < .seconds(620), "on time: \(escalatedAt - opened)")
        let answer = await driver.send(.operatorRequested(OperatorRequest(.acknowledgeIncident, by: "ana", reason: "mine")))
        #expect(answer == .accepted(.acknowledgeIncident))
        // Past the second step's time, a little at a time so the driver handles each wake-up.
        try await LabWait.until("40 minutes on the clock", timeout: .seconds(60), interval: .milliseconds(1)) {
            clock.advance(by: .seconds(5))
            return await driver.now - opened > .seconds(2_400)
        }
        try await drive("the acknowledgement to be said") { actions.state.withLock { $0.messages.contains(.incidentAcknowledged) } }
        #expect(actions.state.withLock { $0.messages }.filter { $0 == .incidentEscalated }.count == 1, "the second step never came")
        #expect(await driver.machine.state.incident?.acknowledged?.by == "ana")
        await driver.stop()
    }
}

extension ServiceDriverTests {
    /// In a cluster: no step starts without the lease, and a takeover's machine replaces the
    /// old one and resumes its runbook under the same incident.
    @Test func aStepStartsOnlyWhileTheLeaseHoldsAndATakeoverResumesIt() async throws {
        let leads = Mutex(true)
        var config = ServiceConfig(name: "shop", loadBalancers: ["lb0"])
        config.cluster = ClusterSettings(agent: "lb1", confirm: 1)
        var machine = ServiceStateMachine(config: config, upstreams: [UpstreamLayout(active: .primary)])
        machine.join(standing: .leading, peers: [])
        let driver = ServiceDriver(
            machine: machine, actions: actions, clock: clock, mayAct: { leads.withLock { $0 } }, logger: recorder.logger())
        await driver.start()
        try await drive("the primary to be up") { await driver.machine.state.health[.primary]?.status == .up }
        leads.withLock { $0 = false }
        actions.state.withLock { $0.healthy[.primary] = false }
        try await drive("the runbook to begin") { await driver.phase == .failingOver(.start(.standby)) }
        for _ in 0..<20 { clock.advance(by: .milliseconds(50)) }
        #expect(actions.state.withLock { $0.log }.isEmpty, "no step starts without the lease")
        #expect(recorder.all.contains { $0.contains("not starting start standby: this agent does not lead its cluster now") })

        // A new leader's machine (here: the same, restored) replaces it, and its step runs.
        leads.withLock { $0 = true }
        let saved = try #require(actions.state.withLock { $0.lastSaved })
        var (restored, effects) = ServiceStateMachine.restore(
            config: config, snapshot: saved, observations: [.serving(UpstreamLayout(active: .primary))], at: await driver.now)
        restored.join(standing: .leading, peers: [])
        await driver.adopt(restored, effects: effects)
        try await drive("the standby to be started") { actions.state.withLock { $0.log.contains { $0.hasPrefix("run start standby") } } }
        #expect(await driver.machine.state.incident?.id == saved.incident?.id, "the same incident")
    }
}
