import Testing
import VigilCore

/// The drill's runbook: to the standby, a hold, back through the primary's gate, a report; a
/// failure at any step is a finding, and a primary that fails during the drill makes it a real
/// failover.
@Suite struct DrillTests {
    private static let hold = Duration.seconds(60)
    private static let toStandby = UpstreamLayout(active: .standby)
    private static let toPrimary = UpstreamLayout(active: .primary)

    private func drill(hold: Duration = DrillTests.hold, whilePaused: Bool = false, dryRun: Bool = false) -> Event {
        .operatorRequested(OperatorRequest(.drill(hold: hold, whilePaused: whilePaused, dryRun: dryRun), by: "uid 1000", reason: "weekly drill"))
    }

    /// A watched service with a healthy primary, ready for a drill.
    private func ready(_ config: ServiceConfig = .fixture()) -> Scenario {
        var scenario = Scenario(config)
        scenario.handle(.started)
        scenario.probe(.primary, ok)
        scenario.probe(.primary, ok)
        return scenario
    }

    /// Starts a drill and runs it to the hold: start, gate, switch.
    private func toTheHold(_ scenario: inout Scenario) {
        scenario.handle(drill())
        scenario.finishStep()  // start standby
        scenario.passGate()
        scenario.finishStep()  // switch to the standby
    }

    private func holdEnds(_ scenario: inout Scenario) -> [Effect] {
        guard case .stepDeadline(let generation)? = scenario.machine.state.timers.stepDeadline.map({ TimerID.stepDeadline(generation: $0) })
        else { return [] }
        return scenario.handle(.timerFired(.stepDeadline(generation: generation)), after: Self.hold)
    }

    @Test func aDrillGoesToTheStandbyHoldsComesBackAndReports() {
        var scenario = ready(.fixture(loadBalancers: 2) { $0.runbook.recoveryTimeObjective = .seconds(30) })
        let started = scenario.handle(drill())
        #expect(started.contains(.answer(.accepted(.drill(hold: Self.hold, whilePaused: false, dryRun: false)))))
        #expect(started.messageKinds == [.drillStarted])
        #expect(started.messages.first?.reason.hasPrefix("DRILL:") == true)
        #expect(scenario.machine.state.incident?.kind == .drill)
        #expect(scenario.machine.phase == .drilling(.start(.standby)))
        #expect(started.runs == [.start(.standby)])
        scenario.finishStep()
        #expect(scenario.step == .gate(.standby))
        #expect(scenario.passGate().runs == [.switchUpstream(loadBalancer: 0, to: Self.toStandby)])
        #expect(scenario.finishStep().runs == [.switchUpstream(loadBalancer: 1, to: Self.toStandby)])
        let holding = scenario.finishStep()
        #expect(scenario.step == .hold(.standby))
        #expect(holding.messageKinds == [.drillProgress])
        #expect(holding.messages.first?.reason.contains("objective 30s: met") == true)
        #expect(holding.contains(.schedule(.stepDeadline(generation: scenario.machine.state.timers.stepDeadline ?? -1), after: Self.hold)))
        // The standby is watched during the hold and the report counts its rounds.
        scenario.probe(.standby, ok)
        scenario.probe(.standby, refused)
        scenario.probe(.standby, ok)
        let back = holdEnds(&scenario)
        #expect(scenario.step == .gate(.primary))
        #expect(back.runs.isEmpty)
        #expect(scenario.passGate(.primary).runs == [.switchUpstream(loadBalancer: 0, to: Self.toPrimary)])
        let last = scenario.finishStep()
        #expect(last.runs == [.switchUpstream(loadBalancer: 1, to: Self.toPrimary)])
        let ended = scenario.finishStep()
        #expect(ended.messageKinds == [.drillProgress, .drillReport])
        #expect(scenario.machine.phase == .primaryActive)
        #expect(scenario.machine.state.upstreams == [Self.toPrimary, Self.toPrimary])
        guard let report = scenario.machine.state.lastIncident?.drillReport else {
            Issue.record("no report")
            return
        }
        #expect(report.passed)
        #expect(report.failedChecksDuringHold == 1)
        #expect(report.standbyDuringHold.count == 2)
        #expect(report.metObjective == true)
        #expect(report.timeToReturn != nil)
        #expect(report.steps.map(\.step).contains("hold on standby"))
        #expect(ended.messages.last?.reason.hasPrefix("DRILL PASSED") == true)
    }

    @Test func aFailedStartIsAFindingAndNothingMoves() {
        var scenario = ready()
        scenario.handle(drill())
        let failed = scenario.finishStep(.failed("sh: 1: /opt/app/start: not found"))
        #expect(failed.messageKinds == [.drillReport])
        #expect(failed.messages.first?.reason.contains("DRILL FAILED") == true)
        #expect(failed.messages.first?.reason.contains("not found") == true)
        #expect(scenario.machine.phase == .primaryActive)
        #expect(scenario.machine.state.upstreams == [Self.toPrimary])
        #expect(scenario.machine.state.incident == nil)
        #expect(scenario.machine.state.lastIncident?.drillReport?.passed == false)
    }

    @Test func aGateThatNeverPassesIsAFindingAndNothingMoves() {
        var scenario = ready()
        scenario.handle(drill())
        scenario.finishStep()
        guard let generation = scenario.machine.state.timers.stepDeadline else {
            Issue.record("the gate has no deadline")
            return
        }
        let failed = scenario.handle(.timerFired(.stepDeadline(generation: generation)), after: .seconds(60))
        #expect(failed.messageKinds == [.drillReport])
        #expect(scenario.machine.phase == .primaryActive)
        #expect(failed.runs.isEmpty)
    }

    @Test func aFailedSwitchIsRolledBackAndWithTwoBalancersTheOtherComesBack() {
        var scenario = ready(.fixture(loadBalancers: 2))
        scenario.handle(drill())
        scenario.finishStep()
        scenario.passGate()
        scenario.finishStep()  // lb0 to the standby
        let failed = scenario.finishStep(.failed("nginx: [emerg] host not found"))  // lb1
        #expect(failed.runs == [.rollback(loadBalancer: 1, to: Self.toPrimary)])
        let rolledBack = scenario.finishStep()
        // lb0 serves the standby: traffic goes back to the healthy primary through its gate.
        #expect(scenario.step == .gate(.primary))
        #expect(rolledBack.messageKinds.isEmpty)
        scenario.passGate(.primary)
        let ended = scenario.finishStep()
        #expect(ended.messageKinds == [.drillProgress, .drillReport])
        #expect(scenario.machine.state.upstreams == [Self.toPrimary, Self.toPrimary])
        let report = scenario.machine.state.lastIncident?.drillReport
        #expect(report?.passed == false)
        #expect(report?.failedSwitches == 1)
        #expect(report?.findings.first?.contains("host not found") == true)
    }

    @Test func aFailureOnTheWayBackWaitsAndRetriesAsAFinding() {
        var scenario = ready()
        toTheHold(&scenario)
        _ = holdEnds(&scenario)
        scenario.passGate(.primary)
        let failed = scenario.finishStep(.failed("reload failed"))
        #expect(failed.runs == [.rollback(loadBalancer: 0, to: Self.toStandby)])
        let stuck = scenario.finishStep()
        #expect(stuck.messageKinds == [.runbookFailed])
        #expect(stuck.messages.first?.reason.contains("DRILL FINDING") == true)
        guard case .stuck(.runbookFailed) = scenario.machine.phase else {
            Issue.record("expected stuck, got \(scenario.machine.phase)")
            return
        }
        // The retry goes back to the primary again.
        scenario.handle(.operatorRequested(OperatorRequest(.retry, by: "uid 1000", reason: "fixed")))
        #expect(scenario.step == .gate(.primary))
        scenario.passGate(.primary)
        let ended = scenario.finishStep()
        #expect(ended.messageKinds.last == .drillReport)
        #expect(scenario.machine.phase == .primaryActive)
    }

    @Test func thePrimaryFailingDuringTheHoldMakesItARealFailover() {
        var scenario = ready()
        toTheHold(&scenario)
        var effects: [Effect] = []
        for _ in 0..<20 where scenario.machine.state.incident?.kind == .drill {
            effects = scenario.probe(.primary, refused, after: .milliseconds(500))
        }
        #expect(effects.messageKinds.prefix(2) == [.drillReport, .incidentStarted])
        #expect(effects.messages.last?.reason.contains("THE DRILL BECAME A REAL FAILOVER") == true)
        #expect(scenario.machine.state.lastIncident?.drillReport?.becameFailover == true)
        #expect(scenario.machine.state.incident?.kind == .failover)
        // Traffic already serves the standby: the runbook gates it again and ends there.
        scenario.passGate()
        #expect(scenario.machine.phase == .secondaryActive)
        #expect(scenario.machine.state.upstreams == [Self.toStandby])
        #expect(scenario.machine.state.lastIncident?.kind == .failover)
    }

    @Test func aDrillIsRefusedDuringAnIncidentAndWhilePausedUnlessAsked() {
        var scenario = ready()
        scenario.handle(.operatorRequested(OperatorRequest(.pause(until: nil), by: "uid 1000", reason: "kernel")))
        guard case .answer(.refused(_, let why)) = scenario.handle(drill()).first else {
            Issue.record("a drill while paused should be refused")
            return
        }
        #expect(why.contains("--while-paused"))
        let accepted = scenario.handle(drill(whilePaused: true))
        #expect(accepted.contains(.answer(.accepted(.drill(hold: Self.hold, whilePaused: true, dryRun: false)))))
        scenario.finishStep(.failed("broken"))
        #expect(scenario.machine.phase == .paused, "a drill asked for while paused leaves it paused")

        var incident = ready()
        incident.failPrimary()
        guard case .answer(.refused(_, let during)) = incident.handle(drill()).first else {
            Issue.record("a drill during an incident should be refused")
            return
        }
        #expect(during.contains("a drill starts only while the primary serves"))
    }

    @Test func aDryRunShowsBothLegsWithoutFencingThePrimary() {
        var scenario = ready(.fixture { $0.runbook.fenceOldActive = true })
        let before = scenario.machine
        let effects = scenario.handle(drill(dryRun: true))
        #expect(
            effects == [
                .answer(
                    .plan(
                        .drill(hold: Self.hold, whilePaused: false, dryRun: true),
                        steps: [.start(.standby), .gate(.standby), .switchUpstream(loadBalancer: 0, to: Self.toStandby), .hold(.standby)]))
            ])
        #expect(scenario.machine == before)
    }

    @Test func withFencingTheStandbyIsStoppedOnlyAfterTheDrain() {
        var scenario = ready(.fixture { $0.runbook.fenceOldActive = true })
        toTheHold(&scenario)
        _ = holdEnds(&scenario)
        scenario.passGate(.primary)
        let switched = scenario.finishStep()
        #expect(scenario.step == .drain)
        #expect(switched.runs.isEmpty)
        guard let generation = scenario.machine.state.timers.stepDeadline else {
            Issue.record("the drain has no timer")
            return
        }
        #expect(switched.contains(.schedule(.stepDeadline(generation: generation), after: .seconds(10))))
        let drained = scenario.handle(.timerFired(.stepDeadline(generation: generation)), after: .seconds(10))
        #expect(drained.runs == [.fence(.standby)])
        #expect(scenario.finishStep().messageKinds == [.drillReport])
    }

    @Test func aRestartDuringTheHoldHoldsForWhatIsLeftAndReports() throws {
        var scenario = ready()
        toTheHold(&scenario)
        let servingAt = scenario.now
        let later = servingAt + .seconds(20)
        let (restored, effects) = ServiceStateMachine.restore(
            config: scenario.machine.config, snapshot: scenario.machine.state, observed: [Self.toStandby], at: later)
        #expect(restored.phase == .drilling(.hold(.standby)))
        #expect(effects.messageKinds.isEmpty, "the hold is not announced twice")
        #expect(effects.contains { if case .schedule(.stepDeadline, let after) = $0 { after == .seconds(40) } else { false } })
    }
}

extension DrillTests {
    @Test func latenciesAreShownToAHundredthOfAMillisecond() {
        var summary = LatencySummary()
        #expect("\(summary)" == "no check measured")
        summary.add(.microseconds(969))
        summary.add(.microseconds(1_141))
        #expect("\(summary)" == "1.06ms mean, 1.14ms worst of 2 checks")
    }
}

extension DrillTests {
    /// The steps of a drill with hooks and fencing, in order, by leg.
    private static let everyStep: [RunbookStep] = [
        .preHook(to: .standby), .start(.standby), .gate(.standby), .switchUpstream(loadBalancer: 0, to: toStandby),
        .postHook(to: .standby), .preHook(to: .primary), .gate(.primary), .switchUpstream(loadBalancer: 0, to: toPrimary), .fence(.standby),
        .postHook(to: .primary),
    ]

    /// Every step of a drill fails once: the failure is a finding; traffic never rests on a side
    /// that is down; before the switch nothing moved and the drill ends; after it, traffic goes back
    /// to the primary (or, on the way back, waits and retries, said as a DRILL FINDING).
    @Test(arguments: everyStep)
    func aFailureAtAnyStepIsAFindingAndLeavesTrafficOnAHealthySide(_ failing: RunbookStep) {
        var scenario = ready(
            .fixture {
                $0.runbook.preHook = true
                $0.runbook.postHook = true
                $0.runbook.fenceOldActive = true
            })
        scenario.handle(drill())
        var failedAt: RunbookStep?
        var effects: [Effect] = []
        for _ in 0..<40 {
            guard let step = scenario.step else { break }
            if case .stuck = scenario.machine.phase { break }
            switch step {
            case .gate where step == failing && failedAt == nil:
                failedAt = step  // a gate fails by its deadline
                guard let generation = scenario.machine.state.timers.stepDeadline else { break }
                effects = scenario.handle(.timerFired(.stepDeadline(generation: generation)), after: .seconds(60))
            case .gate(let backend):
                effects = scenario.passGate(backend)
            case .hold, .drain:
                guard let generation = scenario.machine.state.timers.stepDeadline else { break }
                effects = scenario.handle(.timerFired(.stepDeadline(generation: generation)), after: .seconds(60))
            case _ where step == failing && failedAt == nil:
                failedAt = step
                effects = scenario.finishStep(.failed("injected at \(step)"))
            default:
                effects = scenario.finishStep()
            }
        }
        #expect(failedAt == failing, "the drill reached \(failing)")
        let record = (scenario.machine.state.incident ?? scenario.machine.state.lastIncident)?.drill
        #expect(record?.findings.isEmpty == false, "a finding is kept: \(String(describing: record))")
        let standbyDown = scenario.machine.state.health[.standby]?.status == .down
        #expect(!(standbyDown && scenario.machine.state.upstreams.contains { $0?.active == .standby }), "no traffic on a side that is down")
        switch scenario.machine.phase {
        case .primaryActive:
            #expect(scenario.machine.state.upstreams == [Self.toPrimary])
            #expect(effects.messageKinds.last == .drillReport)
            #expect(effects.messages.last?.reason.hasPrefix("DRILL FAILED") == true)
        case .stuck(.runbookFailed):
            // Only on the way back, after the hold: the finding is said, and Vigil retries.
            #expect(scenario.machine.state.runbook?.target == .primary)
            #expect(scenario.machine.state.runbook?.kind == .drill)
            #expect(effects.messages.contains { $0.kind == .runbookFailed && $0.reason.contains("DRILL FINDING") })
        default:
            Issue.record("the drill ended in \(scenario.machine.phase) after \(failing) failed")
        }
    }
}

extension DrillTests {
    @Test func aPauseThatEndsDuringADrillLeavesTheDrillRunningAndItEndsResting() {
        var scenario = ready()
        scenario.handle(.operatorRequested(OperatorRequest(.pause(until: scenario.now + .seconds(5)), by: "uid 1000", reason: "kernel")))
        scenario.handle(drill(whilePaused: true))
        scenario.finishStep()  // start standby
        scenario.passGate()
        scenario.finishStep()  // switch: the hold begins
        guard let pauseEnds = scenario.machine.state.timers.pauseEnds else {
            Issue.record("no end of the pause")
            return
        }
        let resumed = scenario.handle(.timerFired(.pauseEnds(generation: pauseEnds)), after: .seconds(5))
        #expect(resumed.messageKinds.contains(.resumed))
        #expect(scenario.machine.phase == .drilling(.hold(.standby)), "the drill goes on")
        _ = holdEnds(&scenario)
        scenario.passGate(.primary)
        let ended = scenario.finishStep()
        #expect(ended.messageKinds.last == .drillReport)
        #expect(scenario.machine.phase == .primaryActive, "the pause ended meanwhile")
    }
}

extension DrillTests {
    @Test func theStandbyFailingDuringTheHoldSendsTrafficBackAtOnce() {
        var scenario = ready()
        toTheHold(&scenario)
        var effects: [Effect] = []
        for _ in 0..<20 where scenario.step == .hold(.standby) {
            effects = scenario.probe(.standby, refused, after: .milliseconds(500))
        }
        #expect(scenario.step == .gate(.primary), "back through the primary's gate, before the hold's end")
        #expect(effects.runs.isEmpty)
        scenario.passGate(.primary)
        let ended = scenario.finishStep()
        #expect(ended.messageKinds.last == .drillReport)
        #expect(ended.messages.last?.reason.hasPrefix("DRILL FAILED") == true)
        #expect(scenario.machine.state.upstreams == [Self.toPrimary])
        #expect(scenario.machine.state.lastIncident?.drill?.findings.first?.contains("the standby failed its checks during the hold") == true)
    }
}
