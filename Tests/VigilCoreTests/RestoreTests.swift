import Foundation
import Testing
import VigilCore

/// Restart: resume, roll back or carry on, from the snapshot and what nginx serves; never guess.
@Suite struct RestoreTests {
    private let config = ServiceConfig.fixture(loadBalancers: 2)
    private let primary = UpstreamLayout(active: .primary)
    private let standby = UpstreamLayout(active: .standby)

    /// A scenario stopped with the first switch in flight, and its last saved snapshot.
    private func crashedDuringTheFirstSwitch() -> (Scenario, ServiceSnapshot) {
        var scenario = Scenario(config)
        scenario.handle(.started)
        scenario.failPrimary()
        scenario.finishStep()
        let effects = scenario.passGate()
        guard case .persist(let snapshot) = effects.first else { preconditionFailure("no snapshot before the switch: \(effects)") }
        return (scenario, snapshot)
    }

    private func decoded(_ snapshot: ServiceSnapshot) throws -> ServiceSnapshot {
        try JSONDecoder().decode(ServiceSnapshot.self, from: JSONEncoder().encode(snapshot))
    }

    @Test func theSnapshotIsWrittenAheadOfTheStepItDescribes() {
        let (_, snapshot) = crashedDuringTheFirstSwitch()
        #expect(snapshot.runbook?.currentStep == .switchUpstream(loadBalancer: 0, to: standby))
        #expect(snapshot.runbook?.previousLayouts[0] == primary, "the snapshot knows what to restore")
    }

    @Test func aSwitchThatLandedIsKeptAndTheTargetGatedAgainBeforeTheRest() throws {
        let (scenario, snapshot) = crashedDuringTheFirstSwitch()
        let (machine, effects) = ServiceStateMachine.restore(
            config: config, snapshot: try decoded(snapshot),
            observed: [standby, primary], at: scenario.now + .seconds(5))
        #expect(machine.state.upstreams == [standby, primary])
        #expect(machine.phase == .failingOver(.gate(.standby)))
        #expect(machine.state.runbook?.steps.contains(.switchUpstream(loadBalancer: 1, to: standby)) == true)
        #expect(machine.state.runbook?.steps.contains(.switchUpstream(loadBalancer: 0, to: standby)) == false)
        #expect(effects.messageKinds == [], "no repeated incident")
        #expect(effects.contains(.probe(.standby)) && effects.contains(.probe(.primary)))
    }

    @Test func aSwitchThatDidNotLandIsRunAgainAfterTheGate() throws {
        let (scenario, snapshot) = crashedDuringTheFirstSwitch()
        let (machine, _) = ServiceStateMachine.restore(
            config: config, snapshot: try decoded(snapshot),
            observed: [primary, primary], at: scenario.now + .seconds(5))
        #expect(machine.phase == .failingOver(.gate(.standby)))
        #expect(machine.state.runbook?.steps.filter { if case .switchUpstream = $0 { true } else { false } }.count == 2)
        #expect(machine.state.incident?.id == snapshot.incident?.id)
    }

    @Test func anUpstreamNobodyExplainsIsNotActedOn() throws {
        var scenario = Scenario(config)
        scenario.handle(.started)
        let snapshot = scenario.machine.state
        let (machine, effects) = ServiceStateMachine.restore(
            config: config, snapshot: snapshot,
            observed: [standby, primary], at: .seconds(10))
        guard case .stuck(.reconcileFailed(let why)) = machine.phase else {
            Issue.record("expected a hold, got \(machine.phase)")
            return
        }
        #expect(why.contains("lb0 serves standby but Vigil last wrote primary"))
        #expect(effects.messageKinds == [.runbookFailed])
        #expect(effects.runs == [])
    }

    @Test func aRollbackInFlightIsFinishedOrRepeated() throws {
        var scenario = Scenario(config)
        scenario.handle(.started)
        scenario.failPrimary()
        scenario.finishStep()
        scenario.passGate()
        let effects = scenario.finishStep(.failed("nginx -t failed"))
        guard case .persist(let snapshot) = effects.first else {
            Issue.record("no snapshot before the rollback")
            return
        }
        let (done, _) = ServiceStateMachine.restore(config: config, snapshot: snapshot, observed: [primary, primary], at: scenario.now)
        guard case .stuck(.runbookFailed(.switchUpstream, "nginx -t failed", false)) = done.phase else {
            Issue.record("a landed rollback ends in stuck with the original cause, got \(done.phase)")
            return
        }
        let (again, againEffects) = ServiceStateMachine.restore(config: config, snapshot: snapshot, observed: [standby, primary], at: scenario.now)
        #expect(againEffects.runs == [.rollback(loadBalancer: 0, to: primary)])
        #expect(again.phase == .failingOver(.rollback(loadBalancer: 0, to: primary)))
    }

    @Test func aStepWithoutEffectOnTheLoadBalancersRunsAgain() {
        var scenario = Scenario(config)
        scenario.handle(.started)
        let effects = scenario.failPrimary()
        guard case .persist(let snapshot) = effects.first else {
            Issue.record("no snapshot before the start")
            return
        }
        let (machine, restored) = ServiceStateMachine.restore(config: config, snapshot: snapshot, observed: [primary, primary], at: scenario.now)
        #expect(restored.runs == [.start(.standby)])
        #expect(machine.phase == .failingOver(.start(.standby)))
    }

    @Test func aStuckServiceGetsItsRetryTimerBack() {
        var scenario = Scenario(config)
        scenario.handle(.started)
        scenario.failPrimary()
        scenario.finishStep(.failed("boom"))
        let (machine, effects) = ServiceStateMachine.restore(
            config: config, snapshot: scenario.machine.state,
            observed: [primary, primary], at: scenario.now)
        #expect(machine.state.timers.retry != nil)
        #expect(effects.timers.contains(.retry(generation: machine.state.timers.retry!)))
    }

    @Test func anUnknownSnapshotVersionIsNotGuessedAt() {
        var snapshot = Scenario(config).machine.state
        snapshot.version = 99
        let (machine, _) = ServiceStateMachine.restore(config: config, snapshot: snapshot, observed: [primary, primary], at: .zero)
        guard case .stuck(.reconcileFailed(let why)) = machine.phase else {
            Issue.record("expected a hold, got \(machine.phase)")
            return
        }
        #expect(why.contains("version 99"))
    }

    @Test func loadBalancersThatDisagreeAtFirstStartWaitForAnOperator() {
        let machine = ServiceStateMachine(config: config, upstreams: [primary, standby])
        #expect(machine.phase == .stuck(.reconcileFailed("the load balancers disagree: some serve the primary, some the standby")))
        let unreadable = ServiceStateMachine(config: config, upstreams: [primary, nil])
        #expect(unreadable.phase == .stuck(.reconcileFailed("the upstream on lb1 names neither backend")))
        #expect(ServiceStateMachine(config: config, upstreams: [standby, standby]).phase == .secondaryActive)
    }
}

@Suite struct RestoreLoopTests {
    @Test func theRestoredMachineKnowsTheProbesItAskedFor() {
        var scenario = Scenario(.fixture(loadBalancers: 1))
        scenario.handle(.started)
        scenario.failPrimary()
        scenario.finishStep()
        let (machine, effects) = ServiceStateMachine.restore(
            config: scenario.machine.config, snapshot: scenario.machine.state,
            observed: [UpstreamLayout(active: .primary)], at: scenario.now)
        #expect(effects.contains(.probe(.standby)))
        #expect(machine.state.probes[.standby] == .inFlight, "a probe asked for is a probe in flight, or its loop dies")
        #expect(machine.state.probes[.primary] == .inFlight)
    }
}
