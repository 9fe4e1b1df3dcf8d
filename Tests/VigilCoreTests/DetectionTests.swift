import Testing
import VigilCore

/// Hysteresis and the probe loop.
@Suite struct DetectionTests {
    @Test func startingProbesBothSidesWhenTheStandbyIsWatched() {
        var scenario = Scenario()
        #expect(scenario.handle(.started) == [.probe(.primary), .probe(.standby)])
        var unwatched = Scenario(.fixture(watchStandby: false))
        #expect(unwatched.handle(.started) == [.probe(.primary)])
    }

    @Test func aHealthyRoundSchedulesTheNextAtTheSteadyInterval() {
        var scenario = Scenario()
        scenario.handle(.started)
        scenario.probe(.primary, ok)
        let effects = scenario.probe(.primary, ok)  // rise 2: now up
        #expect(effects == [.schedule(.probe(.primary, generation: 2), after: .seconds(1))])
    }

    @Test func aFailedRoundSwitchesToTheFastInterval() {
        var scenario = Scenario()
        scenario.handle(.started)
        scenario.probe(.primary, ok)
        scenario.probe(.primary, ok)
        #expect(scenario.probe(.primary, refused).timers == [.probe(.primary, generation: 3)])
        #expect(scenario.probe(.primary, refused).contains(.schedule(.probe(.primary, generation: 4), after: .milliseconds(250))))
    }

    @Test func aDownBackendIsCheckedAtTheDownInterval() {
        var scenario = Scenario(.fixture(fall: 1, minFailure: .zero, watchStandby: false) { $0.detection.downInterval = .seconds(5) })
        scenario.machine = ServiceStateMachine(config: scenario.machine.config, upstreams: [UpstreamLayout(active: .standby)])
        scenario.handle(.started)
        let effects = scenario.probe(.primary, refused)
        #expect(effects.contains(.schedule(.probe(.primary, generation: 1), after: .seconds(5))))
    }

    @Test func aStaleProbeTimerIsIgnored() {
        var scenario = Scenario()
        scenario.handle(.started)
        scenario.probe(.primary, ok)  // schedules generation 1
        #expect(scenario.handle(.timerFired(.probe(.primary, generation: 7))) == [])
        #expect(scenario.handle(.timerFired(.probe(.primary, generation: 1))) == [.probe(.primary)])
        #expect(scenario.handle(.timerFired(.probe(.primary, generation: 1))) == [], "a timer fires once")
    }

    @Test func fallFailuresThatHaveNotLastedTheMinimumDurationDoNotFailOver() {
        var scenario = Scenario()
        scenario.handle(.started)
        for _ in 0..<3 { scenario.probe(.primary, ok) }
        for _ in 0..<4 { #expect(scenario.probe(.primary, refused, after: .milliseconds(250)).runs == []) }
        #expect(scenario.machine.state.runbook == nil, "4 failures over 0.75 s stay below the 2 s minimum")
    }

    @Test func theThirdConsecutiveFailureLastingTwoSecondsStartsTheRunbook() {
        var scenario = Scenario()
        scenario.handle(.started)
        scenario.probe(.primary, ok)
        scenario.probe(.primary, refused, after: .seconds(1))
        scenario.probe(.primary, refused, after: .seconds(1))
        let effects = scenario.probe(.primary, refused, after: .seconds(1))
        #expect(effects.messageKinds == [.incidentStarted])
        #expect(effects.runs == [.start(.standby)])
        #expect(effects.saves == 1)
        if case .persist = effects.first {} else { Issue.record("the snapshot is written before the step runs") }
        #expect(scenario.machine.phase == .failingOver(.start(.standby)))
        let incident = effects.messages.first?.incident
        #expect(incident?.openedAt == .seconds(1.25), "the incident counts from the first failed check")
        #expect(incident?.evidence.count == 3)
    }

    @Test func aPassedRoundResetsTheFailureCount() {
        var scenario = Scenario(.fixture(minFailure: .zero))
        scenario.handle(.started)
        scenario.probe(.primary, refused)
        scenario.probe(.primary, refused)
        scenario.probe(.primary, ok)
        scenario.probe(.primary, refused)
        #expect(scenario.probe(.primary, refused).runs == [])
        #expect(scenario.probe(.primary, refused).runs == [.start(.standby)])
    }

    @Test func probesCombineByTheStatedRule() {
        let twoOfThree = ProbeCombination.atLeast(2)
        #expect(twoOfThree.passes([.healthy(ProbeTimings()), .failed(.refused), .healthy(ProbeTimings())]))
        #expect(!twoOfThree.passes([.healthy(ProbeTimings()), .failed(.refused), .failed(.status(500))]))
        #expect(!ProbeCombination.all.passes([.healthy(ProbeTimings()), .failed(.timeout(.connect))]))
        #expect(!ProbeCombination.all.passes([]))
    }

    @Test func theStandbyTurningUnhealthyWarnsOnceAndItsRecoveryClearsIt() {
        var scenario = Scenario(.fixture(fall: 2, minFailure: .zero))
        scenario.handle(.started)
        scenario.probe(.standby, ok)
        scenario.probe(.standby, ok)
        scenario.probe(.standby, refused)
        #expect(scenario.probe(.standby, refused).messageKinds == [.standbyUnhealthy])
        #expect(scenario.probe(.standby, refused).messageKinds == [])
        scenario.probe(.standby, ok)
        #expect(scenario.probe(.standby, ok).messageKinds == [.standbyHealthy])
        #expect(scenario.machine.state.incident == nil, "a warning is no incident")
    }
}

@Suite struct StandbyWarningTests {
    @Test func aColdStandbyThatIsDownDuringARunbookRaisesNoWarning() {
        var scenario = Scenario(.fixture(fall: 2, minFailure: .zero, watchStandby: false))
        scenario.handle(.started)
        scenario.failPrimary()
        #expect(scenario.probe(.standby, refused).messageKinds == [])
        #expect(scenario.probe(.standby, refused).messageKinds == [], "it has not been started yet; that is no news")
        #expect(scenario.probe(.standby, refused).messageKinds == [])
    }
}
