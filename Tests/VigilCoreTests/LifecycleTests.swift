import Testing
import VigilCore

/// Watching a cold standby only while it matters, incidents measured against the objective,
/// and the less common restart cases.
@Suite struct LifecycleTests {
    @Test func anUnwatchedColdStandbyIsForgottenOnceItNoLongerServesAndStartedAgainNextTime() {
        var scenario = Scenario(.fixture(watchStandby: false, failback: .never))
        scenario.handle(.started)
        scenario.failOver()
        #expect(scenario.machine.phase == .secondaryActive)
        scenario.handle(.operatorRequested(OperatorRequest(.failback(skipGate: false, dryRun: false), by: "ana", reason: "primary fixed")))
        scenario.probe(.primary, ok)
        scenario.probe(.primary, ok)
        scenario.finishStep()
        #expect(scenario.machine.phase == .primaryActive)
        // The standby's loop ends at its next round; what was known of it is dropped.
        let last = scenario.probe(.standby, ok)
        #expect(last.timers.isEmpty)
        #expect(scenario.machine.state.probes[.standby] == .idle)
        #expect(scenario.machine.state.health[.standby]?.status == .unknown)
        let next = scenario.failPrimary(every: .seconds(301))
        #expect(next.runs == [.start(.standby)], "not skipped on stale news")
    }

    @Test func anIncidentIsMeasuredAgainstTheRecoveryTimeObjective() {
        var scenario = Scenario(.fixture { $0.runbook.recoveryTimeObjective = .seconds(30) })
        scenario.handle(.started)
        scenario.failOver()
        let incident = scenario.machine.state.lastIncident
        #expect(incident?.recoveryTimeObjective == .seconds(30))
        #expect(incident?.metObjective == true)
        #expect(incident?.timeToRecover.map { $0 < .seconds(30) } == true)
        var slow = incident!
        slow.resolvedAt = slow.openedAt + .seconds(31)
        #expect(slow.metObjective == false)
        slow.recoveryTimeObjective = nil
        #expect(slow.metObjective == nil)
    }

    @Test func aRestartWhilePausedKeepsTheEndOfThePause() {
        var scenario = Scenario()
        scenario.handle(.operatorRequested(OperatorRequest(.pause(until: .seconds(600)), by: "ana", reason: "upgrade")))
        let (machine, effects) = ServiceStateMachine.restore(
            config: scenario.machine.config, snapshot: scenario.machine.state,
            observed: [UpstreamLayout(active: .primary)], at: .seconds(100))
        #expect(machine.phase == .paused)
        #expect(effects.contains(.schedule(.pauseEnds(generation: machine.state.timers.pauseEnds!), after: .seconds(500))))
    }

    @Test func aRestartWithAnotherNumberOfLoadBalancersIsHeld() {
        let scenario = Scenario()
        let (machine, _) = ServiceStateMachine.restore(
            config: scenario.machine.config, snapshot: scenario.machine.state,
            observed: [UpstreamLayout(active: .primary), UpstreamLayout(active: .primary)],
            at: .zero)
        #expect(machine.phase == .stuck(.reconcileFailed("2 load balancers observed, 1 in the saved state")))
        let fresh = ServiceStateMachine(config: scenario.machine.config, upstreams: [])
        #expect(fresh.phase == .stuck(.reconcileFailed("1 load balancers are configured but 0 were observed")))
    }

    @Test func durationsConvertForCAndForPeople() {
        #expect(Duration.milliseconds(1_500).wholeMilliseconds == 1_500)
        #expect(Duration.milliseconds(1_500).secondsValue == 1.5)
        #expect(Instant.seconds(2.5) - Instant.seconds(1) == .milliseconds(1_500))
        #expect(Instant.seconds(2).description == "t+2s")
    }
}

@Suite struct TimelineWordingTests {
    @Test func everyTimelineEntrySaysWhatHappened() {
        let step = RunbookStep.start(.standby)
        let lines: [(TimelineEntry.What, String)] = [
            (.opened(cause: "primary: refused"), "opened: primary: refused"),
            (.stepStarted(step), "started start standby"),
            (.stepSucceeded(step), "succeeded start standby"),
            (.stepSkipped(step, why: "already healthy"), "skipped start standby: already healthy"),
            (.stepFailed(step, cause: "exit 1"), "failed start standby: exit 1"),
            (.operatorRequested(.retry, by: "ana", reason: "fixed"), "operator ana requested retry: fixed"),
            (.retrying(attempt: 2), "retrying, attempt 2"),
            (.resolved(note: "done"), "resolved: done"),
        ]
        for (what, expected) in lines { #expect(what.description == expected) }
        #expect(RunbookStep.fence(.primary).description == "fence primary")
        #expect(RunbookStep.preHook(to: .standby).description == "pre-hook (to standby)")
        #expect(RunbookStep.postHook(to: .primary).description == "post-hook (to primary)")
        #expect(UpstreamLayout(active: .primary, backup: .standby).description == "primary (backup standby)")
    }
}
