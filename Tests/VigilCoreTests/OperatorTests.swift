import Testing
import VigilCore

@Suite struct OperatorTests {
    private func request(_ command: OperatorCommand) -> Event {
        .operatorRequested(OperatorRequest(command, by: "uid 1000", reason: "planned maintenance"))
    }

    @Test func aForcedFailoverSkipsHysteresisButNotTheGate() {
        var scenario = Scenario()
        scenario.handle(.started)
        let effects = scenario.handle(request(.failover(skipGate: false, dryRun: false)))
        #expect(effects.contains(.answer(.accepted(.failover(skipGate: false, dryRun: false)))))
        #expect(effects.messageKinds == [.incidentStarted])
        #expect(effects.runs == [.start(.standby)])
        #expect(scenario.machine.state.incident?.requestedBy == "uid 1000")
        #expect(
            scenario.machine.state.incident?.timeline.contains { entry in
                if case .operatorRequested(_, "uid 1000", "planned maintenance") = entry.what { true } else { false }
            } == true)
        scenario.finishStep()
        #expect(scenario.step == .gate(.standby))
    }

    @Test func skippingTheGateIsExplicitAndLoud() {
        var scenario = Scenario()
        scenario.handle(.started)
        let effects = scenario.handle(request(.failover(skipGate: true, dryRun: false)))
        #expect(effects.messages.first?.reason.contains("HEALTH GATE SKIPPED") == true)
        #expect(scenario.machine.state.incident?.gateSkipped == true)
        #expect(scenario.finishStep().runs == [.switchUpstream(loadBalancer: 0, to: UpstreamLayout(active: .standby))])
    }

    @Test func aDryRunReturnsThePlanAndChangesNothing() {
        var scenario = Scenario(.fixture(loadBalancers: 2) { $0.runbook.postHook = true })
        let before = scenario.machine
        let effects = scenario.handle(request(.failover(skipGate: false, dryRun: true)))
        #expect(
            effects == [
                .answer(
                    .plan(
                        .failover(skipGate: false, dryRun: true),
                        steps: [
                            .start(.standby), .gate(.standby),
                            .switchUpstream(loadBalancer: 0, to: UpstreamLayout(active: .standby)),
                            .switchUpstream(loadBalancer: 1, to: UpstreamLayout(active: .standby)),
                            .postHook(to: .standby),
                        ]))
            ])
        #expect(scenario.machine == before)
    }

    @Test func commandsThatDoNotFitThePhaseAreRefusedWithTheReason() {
        var scenario = Scenario()
        let failback = scenario.handle(request(.failback(skipGate: false, dryRun: false)))
        guard case .answer(.refused(_, let why)) = failback.first else {
            Issue.record("expected a refusal, got \(failback)")
            return
        }
        #expect(why.contains("serving from the primary"))
        for command: OperatorCommand in [.resume, .acknowledge, .retry] {
            guard case .answer(.refused) = scenario.handle(request(command)).first else {
                Issue.record("\(command) should be refused")
                continue
            }
        }
        scenario.handle(request(.failover(skipGate: false, dryRun: false)))
        guard case .answer(.refused) = scenario.handle(request(.pause(until: nil))).first else {
            Issue.record("pause during a runbook should be refused")
            return
        }
    }

    @Test func pausedWatchesAndReportsButNeverActsAndResumingActs() {
        var scenario = Scenario()
        scenario.handle(.started)
        let paused = scenario.handle(request(.pause(until: nil)))
        #expect(paused.messageKinds == [.paused])
        #expect(scenario.machine.phase == .paused)
        for _ in 0..<10 {
            #expect(scenario.probe(.primary, refused, after: .seconds(1)).allSatisfy { !$0.isAction })
        }
        let resumed = scenario.handle(request(.resume))
        #expect(resumed.messageKinds == [.resumed, .incidentStarted])
        #expect(resumed.runs == [.start(.standby)])
    }

    @Test func aPauseWithAnEndResumesByItself() {
        var scenario = Scenario()
        let effects = scenario.handle(request(.pause(until: .seconds(3_600))))
        guard case .pauseEnds(let generation) = effects.timers.first else {
            Issue.record("no pause timer in \(effects)")
            return
        }
        #expect(effects.contains(.schedule(.pauseEnds(generation: generation), after: .seconds(3_600))))
        let resumed = scenario.handle(.timerFired(.pauseEnds(generation: generation)), after: .seconds(3_600))
        #expect(resumed.messageKinds == [.resumed])
        #expect(scenario.machine.phase == .primaryActive)
    }

    @Test func aPausedStuckServiceGetsItsRetryBackOnResume() {
        var scenario = Scenario()
        scenario.handle(.started)
        scenario.failPrimary()
        scenario.finishStep(.failed("boom"))
        scenario.handle(request(.pause(until: nil)))
        #expect(scenario.machine.state.timers.retry == nil)
        scenario.handle(request(.resume))
        #expect(scenario.machine.state.timers.retry != nil)
    }

    @Test func anOperatorFailbackReturnsToThePrimaryThroughItsGate() {
        var scenario = Scenario(.fixture(failback: .never))
        scenario.handle(.started)
        scenario.failOver()
        let effects = scenario.handle(request(.failback(skipGate: false, dryRun: false)))
        #expect(effects.messageKinds == [.failbackStarted])
        #expect(scenario.step == .gate(.primary))
        scenario.passGate(.primary)
        #expect(scenario.finishStep().messageKinds == [.failbackDone])
        #expect(scenario.machine.phase == .primaryActive)
    }
}
