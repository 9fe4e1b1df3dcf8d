import Testing
import VigilCore

/// The runbook, step by step: start, gate, switch, rollback, fence, hooks, stuck, retry, resolve.
@Suite struct RunbookTests {
    private func failingOver(_ config: ServiceConfig = .fixture()) -> Scenario {
        var scenario = Scenario(config)
        scenario.handle(.started)
        scenario.failPrimary()
        return scenario
    }

    @Test func aStartedStandbyIsGatedWithinTheStartTimeout() {
        var scenario = failingOver()
        let effects = scenario.finishStep()
        #expect(effects.acting == [.schedule(.stepDeadline(generation: scenario.machine.state.timers.stepDeadline!), after: .seconds(60))])
        #expect(scenario.machine.phase == .failingOver(.gate(.standby)))
    }

    @Test func passingTheGateSwitchesTheFirstLoadBalancer() {
        var scenario = failingOver()
        scenario.finishStep()
        scenario.probe(.standby, ok)
        let effects = scenario.probe(.standby, ok)
        #expect(effects.runs == [.switchUpstream(loadBalancer: 0, to: UpstreamLayout(active: .standby))])
        #expect(scenario.machine.state.runbook?.gatePassed == true)
    }

    @Test func aFailedCheckRestartsTheGateCount() {
        var scenario = failingOver()
        scenario.finishStep()
        scenario.probe(.standby, ok)
        scenario.probe(.standby, refused)
        #expect(scenario.probe(.standby, ok).runs == [])
        #expect(scenario.probe(.standby, ok).runs.count == 1)
    }

    @Test func theLastSwitchResolvesTheIncidentAndStartsTheCooldown() {
        var scenario = failingOver(.fixture(loadBalancers: 2))
        scenario.finishStep()
        scenario.passGate()
        #expect(scenario.finishStep().runs == [.switchUpstream(loadBalancer: 1, to: UpstreamLayout(active: .standby))])
        let effects = scenario.finishStep()
        #expect(effects.messageKinds == [.incidentResolved])
        let incident = effects.messages.first?.incident
        #expect(incident?.resolvedAt == scenario.now)
        #expect(incident?.timeToRecover == scenario.now - incident!.openedAt)
        #expect(scenario.machine.phase == .secondaryActive)
        #expect(scenario.machine.state.upstreams == [UpstreamLayout(active: .standby), UpstreamLayout(active: .standby)])
        #expect(scenario.machine.state.cooldownUntil == scenario.now + .seconds(300))
        #expect(scenario.machine.state.lastIncident?.id == "shop-1")
    }

    @Test func aFailedStartLeavesTrafficWhereItWasAndWaits() {
        var scenario = failingOver()
        let effects = scenario.finishStep(.failed("exit 1: unit failed"))
        #expect(effects.messageKinds == [.runbookFailed])
        #expect(effects.messages.first?.reason.contains("traffic did not move") == true)
        #expect(effects.timers.count == 1, "a retry is scheduled")
        #expect(scenario.machine.phase == .stuck(.runbookFailed(step: .start(.standby), cause: "exit 1: unit failed", trafficMoved: false)))
        #expect(scenario.machine.state.upstreams == [UpstreamLayout(active: .primary)])
    }

    @Test func theGatePollsQuicklyUntilTheTargetAnswersThenCountsPassesAtTheFastInterval() {
        var scenario = failingOver()
        scenario.finishStep()  // the start
        func nextProbeDelay(_ effects: [Effect]) -> Duration? {
            effects.compactMap { if case .schedule(.probe(.standby, _), let delay) = $0 { delay } else { nil } }.first
        }
        #expect(nextProbeDelay(scenario.probe(.standby, refused)) == .milliseconds(50), "still starting: poll again soon")
        #expect(
            nextProbeDelay(scenario.probe(.standby, ok, after: .milliseconds(50))) == .milliseconds(250),
            "a pass: the next one counts toward rise at the fast interval")
        #expect(scenario.step == .gate(.standby))
        scenario.probe(.standby, ok)
        #expect(scenario.step != .gate(.standby), "rise 2 passed, 250 ms apart")
    }

    @Test func aGateThatTimesOutFailsTheRunbook() {
        var scenario = failingOver()
        scenario.finishStep()
        let deadline = scenario.machine.state.timers.stepDeadline!
        let effects = scenario.handle(.timerFired(.stepDeadline(generation: deadline)), after: .seconds(60))
        #expect(effects.messageKinds == [.runbookFailed])
        guard case .stuck(.runbookFailed(.gate(.standby), let cause, false)) = scenario.machine.phase else {
            Issue.record("expected stuck at the gate, got \(scenario.machine.phase)")
            return
        }
        #expect(cause.contains("did not pass 2 consecutive checks within 1m"))
    }

    @Test func aStepWithoutAResultByItsDeadlineFails() {
        var scenario = failingOver()
        let deadline = scenario.machine.state.timers.stepDeadline!
        scenario.handle(.timerFired(.stepDeadline(generation: deadline)), after: .seconds(30))
        #expect(scenario.machine.phase == .stuck(.runbookFailed(step: .start(.standby), cause: "no result within 30s", trafficMoved: false)))
        #expect(scenario.handle(.stepFinished(.start(.standby), .succeeded)) == [], "a late result changes nothing")
    }

    @Test func aFailedFirstSwitchIsRolledBackBeforeAnythingElse() {
        var scenario = failingOver()
        scenario.finishStep()
        scenario.passGate()
        let effects = scenario.finishStep(.failed("nginx: [emerg] invalid host in upstream.conf:2"))
        #expect(effects.runs == [.rollback(loadBalancer: 0, to: UpstreamLayout(active: .primary))])
        let stuck = scenario.finishStep()
        #expect(stuck.messageKinds == [.runbookFailed])
        #expect(stuck.messages.first?.reason.contains("[emerg]") == true)
        #expect(scenario.machine.state.upstreams == [UpstreamLayout(active: .primary)])
        guard case .stuck(.runbookFailed(.switchUpstream, _, trafficMoved: false)) = scenario.machine.phase else {
            Issue.record("expected stuck after the switch, got \(scenario.machine.phase)")
            return
        }
    }

    @Test func aFailedLaterSwitchKeepsWhatSwitchedAndRollsBackOnlyTheFailedOne() {
        var scenario = failingOver(.fixture(loadBalancers: 2))
        scenario.finishStep()
        scenario.passGate()
        scenario.finishStep()  // lb0 now serves the standby
        #expect(scenario.finishStep(.failed("reload failed")).runs == [.rollback(loadBalancer: 1, to: UpstreamLayout(active: .primary))])
        scenario.finishStep()
        #expect(scenario.machine.state.upstreams == [UpstreamLayout(active: .standby), UpstreamLayout(active: .primary)])
        guard case .stuck(.runbookFailed(_, _, trafficMoved: true)) = scenario.machine.phase else {
            Issue.record("expected stuck with traffic moved, got \(scenario.machine.phase)")
            return
        }
        #expect(scenario.machine.state.incident != nil, "the incident stays open")
    }

    @Test func aFailedRollbackLeavesTheLoadBalancerUnknownAndSaysSoLoudly() {
        var scenario = failingOver()
        scenario.finishStep()
        scenario.passGate()
        scenario.finishStep(.failed("nginx -t failed"))
        let effects = scenario.finishStep(.failed("ssh: connection refused"))
        #expect(effects.messages.first?.reason.contains("ROLLBACK FAILED") == true)
        #expect(scenario.machine.state.upstreams == [nil])
    }

    @Test func theRetryIsANewAttemptOfTheSameIncidentGatedAgain() {
        var scenario = failingOver()
        scenario.finishStep(.failed("boom"))
        let retry = scenario.machine.state.timers.retry!
        let effects = scenario.handle(.timerFired(.retry(generation: retry)), after: .seconds(60))
        #expect(effects.messageKinds == [], "no second 'started' message")
        #expect(effects.runs == [.start(.standby)])
        #expect(scenario.machine.state.runbook?.attempt == 2)
        #expect(scenario.machine.state.incident?.id == "shop-1")
        scenario.finishStep()
        #expect(scenario.machine.phase == .failingOver(.gate(.standby)))
    }

    @Test func aRetryAfterTrafficMovedSwitchesOnlyWhatIsLeft() {
        var scenario = failingOver(.fixture(loadBalancers: 2) { $0.runbook.preHook = true })
        scenario.finishStep()  // pre-hook
        scenario.finishStep()  // start
        scenario.passGate()
        scenario.finishStep()
        scenario.finishStep(.failed("reload failed"))
        scenario.finishStep()  // rollback of lb1
        scenario.handle(.operatorRequested(OperatorRequest(.retry, by: "ana", reason: "fixed nginx")))
        #expect(
            scenario.machine.state.runbook?.steps == [
                .start(.standby), .gate(.standby),
                .switchUpstream(loadBalancer: 1, to: UpstreamLayout(active: .standby)),
            ],
            "no pre-hook again once traffic moved; only lb1 is left")
    }

    @Test func aPrimaryThatRecoversBeforeTrafficMovedEndsTheIncidentWithoutAFailover() {
        var scenario = failingOver()
        scenario.finishStep(.failed("boom"))
        scenario.probe(.primary, ok)
        let effects = scenario.probe(.primary, ok)
        #expect(effects.messageKinds == [.incidentResolved])
        #expect(scenario.machine.phase == .primaryActive)
        #expect(effects.messages.first?.reason.contains("recovered before traffic moved") == true)
    }

    @Test func preHookFenceAndPostHookRunInOrder() {
        var scenario = failingOver(
            .fixture { config in
                config.runbook.preHook = true
                config.runbook.postHook = true
                config.runbook.fenceOldActive = true
                config.primary.canStop = true
            })
        #expect(scenario.step == .preHook(to: .standby))
        scenario.finishStep()
        #expect(scenario.step == .start(.standby))
        scenario.finishStep()
        scenario.passGate()
        scenario.finishStep()
        #expect(scenario.step == .fence(.primary))
        scenario.finishStep()
        #expect(scenario.step == .postHook(to: .standby))
        #expect(scenario.finishStep().messageKinds == [.incidentResolved])
    }

    @Test func aHookThatSucceedsLeavesItsReportInTheTimeline() {
        var scenario = failingOver(.fixture { $0.runbook.preHook = true })
        scenario.finishStep(.succeededReporting("exit 0: dumped 42 rows"))
        #expect(scenario.step == .start(.standby), "a report is a success")
        let timeline = scenario.machine.state.incident?.timeline.map(\.what.description) ?? []
        #expect(
            timeline.suffix(3) == [
                "succeeded pre-hook (to standby)", "pre-hook (to standby) said: exit 0: dumped 42 rows",
                "started start standby",
            ], "\(timeline)")
    }

    @Test func aFailedPreHookAbortsBeforeAnythingChanged() {
        var scenario = failingOver(.fixture { $0.runbook.preHook = true })
        scenario.finishStep(.failed("backup script exit 2"))
        #expect(scenario.machine.phase == .stuck(.runbookFailed(step: .preHook(to: .standby), cause: "backup script exit 2", trafficMoved: false)))
        #expect(scenario.machine.state.upstreams == [UpstreamLayout(active: .primary)])
    }

    @Test func aFailedFenceAfterTheSwitchKeepsTrafficOnTheStandby() {
        var scenario = failingOver(
            .fixture { config in
                config.runbook.fenceOldActive = true
                config.primary.canStop = true
            })
        scenario.finishStep()
        scenario.passGate()
        scenario.finishStep()
        scenario.finishStep(.failed("stop timed out"))
        #expect(scenario.machine.phase == .stuck(.runbookFailed(step: .fence(.primary), cause: "stop timed out", trafficMoved: true)))
        #expect(scenario.machine.state.upstreams == [UpstreamLayout(active: .standby)])
    }

    @Test func aStandbyThatIsAlreadyHealthyIsNotStarted() {
        var scenario = Scenario(.fixture(mode: .warm))
        scenario.handle(.started)
        scenario.probe(.standby, ok)
        scenario.probe(.standby, ok)
        scenario.finishBackupListing()
        scenario.failPrimary()
        #expect(scenario.step == .gate(.standby))
        #expect(
            scenario.machine.state.incident?.timeline.contains { entry in
                if case .stepSkipped(.start, _) = entry.what { true } else { false }
            } == false, "a warm standby has no start step at all")
    }

    @Test func remindersRepeatWhileTheIncidentIsOpenAndStopAfter() {
        var scenario = Scenario(.fixture { $0.runbook.reminderInterval = .seconds(600) })
        scenario.handle(.started)
        let started = scenario.failPrimary()
        guard case .reminder(let generation) = started.timers.first(where: { if case .reminder = $0 { true } else { false } }) else {
            Issue.record("no reminder scheduled")
            return
        }
        let reminder = scenario.handle(.timerFired(.reminder(generation: generation)), after: .seconds(600))
        #expect(reminder.messageKinds == [.incidentUpdate])
        scenario.finishStep()
        scenario.passGate()
        scenario.finishStep()
        let next = scenario.machine.state.timers.reminder
        #expect(next == nil)
    }
}
