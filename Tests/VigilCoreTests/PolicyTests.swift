import Testing
import VigilCore

/// Anti-flapping, failback policies, and the standby failing while it serves.
@Suite struct PolicyTests {
    private func servingFromStandby(_ config: ServiceConfig) -> Scenario {
        var scenario = Scenario(config)
        scenario.handle(.started)
        scenario.failOver()
        return scenario
    }

    /// Found with a real lab: after a failover the standby died while the primary was healthy
    /// again, and the cooldown held the move back for five minutes: every request failed.
    @Test func theCooldownNeverHoldsAMoveAwayFromADownSide() {
        var scenario = servingFromStandby(.fixture(fall: 1, minFailure: .zero, failback: .never))
        scenario.probe(.primary, ok)
        scenario.probe(.primary, ok)
        #expect(scenario.machine.state.cooldownUntil.map { scenario.now < $0 } == true, "inside the cooldown")
        let effects = scenario.probe(.standby, refused)
        #expect(effects.messageKinds == [.incidentStarted], "the serving standby is down: traffic moves back now")
        #expect(effects.messages.first?.to == .primary)
    }

    @Test func aPrimaryThatFailsAgainInsideTheCooldownIsFailedOverAgain() {
        var scenario = Scenario(.fixture(fall: 1, minFailure: .zero, failback: .automatic(after: .zero)) { $0.antiFlap.cooldown = .seconds(300) })
        scenario.handle(.started)
        scenario.failOver()
        scenario.probe(.primary, ok)
        scenario.probe(.primary, ok, after: .seconds(301))  // the automatic failback, after the cooldown
        scenario.passGate(.primary)
        scenario.finishStep()
        #expect(scenario.machine.phase == .primaryActive)
        #expect(scenario.machine.state.cooldownUntil.map { scenario.now < $0 } == true, "a new cooldown runs")
        let again = scenario.failPrimary(every: .milliseconds(250))
        #expect(again.messageKinds.contains(.incidentStarted), "the primary is down: no cooldown holds the failover")
    }

    @Test func theCooldownStillHoldsAnAutomaticFailbackFromAHealthyStandby() {
        var scenario = servingFromStandby(.fixture(fall: 1, minFailure: .zero, failback: .automatic(after: .zero)))
        scenario.probe(.primary, ok)
        #expect(scenario.probe(.primary, ok).runs == [], "the standby is healthy: the failback waits for the cooldown")
        #expect(scenario.machine.phase == .secondaryActive)
        let after = scenario.probe(.primary, ok, after: .seconds(300))
        #expect(after.messageKinds == [.failbackStarted], "after the cooldown the failback starts")
    }

    @Test func theFlapBudgetHoldsTheServiceUntilAcknowledged() {
        var scenario = Scenario(
            .fixture(fall: 1, minFailure: .zero, failback: .automatic(after: .zero)) { config in
                config.antiFlap.cooldown = .zero
                config.antiFlap.budget = 2
            })
        scenario.handle(.started)
        scenario.failOver()  // 1: to the standby
        scenario.probe(.primary, ok)
        scenario.probe(.primary, ok)  // 2: automatic failback
        #expect(scenario.machine.phase == .failingBack(.gate(.primary)))
        scenario.passGate(.primary)
        scenario.finishStep()
        #expect(scenario.machine.phase == .primaryActive)
        let held = scenario.probe(.primary, refused)
        #expect(held.messageKinds == [.flapBudgetExhausted])
        let reason = held.messages.first?.reason ?? ""
        #expect(
            reason.contains("primary, which serves, is down") && reason.contains("`vigil failover --force` moves now")
                && reason.contains("`vigil rearm` re-arms"),
            "the hold says what is down and what a person can do: \(reason)")
        #expect(scenario.machine.phase == .stuck(.flapBudgetExhausted))
        #expect(scenario.probe(.primary, refused).runs == [], "held: no runbook")
        let acknowledged = scenario.handle(.operatorRequested(OperatorRequest(.acknowledge, by: "ana", reason: "looked")))
        #expect(acknowledged.contains(.answer(.accepted(.acknowledge))))
        #expect(acknowledged.messageKinds == [.incidentStarted], "the primary is still down, so it fails over now")
    }

    @Test func aManualPolicySaysOnceThatAFailbackIsAvailable() {
        var scenario = servingFromStandby(.fixture(failback: .manual(after: .seconds(10))))
        scenario.probe(.primary, ok)
        #expect(scenario.probe(.primary, ok).messageKinds == [])
        let available = scenario.probe(.primary, ok, after: .seconds(10))
        #expect(available.messageKinds == [.failbackAvailable])
        #expect(scenario.probe(.primary, ok, after: .seconds(10)).messageKinds == [])
        #expect(scenario.machine.phase == .secondaryActive)
    }

    @Test func anAutomaticPolicyFailsBackAfterTheDelayAndTheCooldown() {
        var scenario = servingFromStandby(.fixture(failback: .automatic(after: .seconds(30))))
        scenario.probe(.primary, ok)
        scenario.probe(.primary, ok, after: .seconds(31))
        #expect(scenario.machine.phase == .secondaryActive, "still inside the 5 minute cooldown")
        let started = scenario.probe(.primary, ok, after: .seconds(300))
        #expect(started.messageKinds == [.failbackStarted])
        scenario.passGate(.primary)
        let done = scenario.finishStep()
        #expect(done.messageKinds == [.failbackDone])
        #expect(scenario.machine.phase == .primaryActive)
    }

    @Test func aNeverPolicyStaysOnTheStandby() {
        var scenario = servingFromStandby(.fixture(failback: .never))
        for _ in 0..<5 { scenario.probe(.primary, ok, after: .seconds(600)) }
        #expect(scenario.machine.phase == .secondaryActive)
    }

    @Test func aStandbyThatFailsWhileServingWithTheSecondaryDownDoesNothing() {
        var scenario = servingFromStandby(.fixture(fall: 1, minFailure: .zero, failback: .never) { $0.antiFlap.cooldown = .zero })
        scenario.probe(.primary, refused)
        #expect(scenario.probe(.standby, refused).runs == [], "traffic never goes to a primary that is down")
        #expect(scenario.machine.phase == .secondaryActive)
    }

    @Test func aWarmStandbyIsListedAsBackupOnlyWhileItsChecksPass() {
        var scenario = Scenario(.fixture(mode: .warm, failback: .automatic(after: .zero)) { $0.antiFlap.cooldown = .zero })
        scenario.handle(.started)
        scenario.probe(.standby, ok)
        scenario.probe(.standby, ok)
        scenario.finishBackupListing()
        scenario.failOver()
        scenario.probe(.primary, ok)
        scenario.probe(.primary, ok)
        scenario.passGate(.primary)
        #expect(scenario.step == .switchUpstream(loadBalancer: 0, to: UpstreamLayout(active: .primary, backup: .standby)))
    }
}
