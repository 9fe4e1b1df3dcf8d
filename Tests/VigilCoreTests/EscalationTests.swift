import Testing

@testable import VigilCore

/// Escalation while nobody acknowledges an incident, `vigil ack`, and the scheduled updates,
/// on the core's own clock.
@Suite struct EscalationTests {
    static let steps = [
        EscalationStep(after: .seconds(600), channels: ["pager"]), EscalationStep(after: .seconds(1_800), channels: ["boss", "pager"]),
    ]

    /// A failover whose start fails: the incident stays open (stuck, retried later).
    static func stuckIncident(reminders: Duration? = nil) -> Scenario {
        var scenario = Scenario(
            .fixture {
                $0.escalation = steps
                $0.runbook.reminderInterval = reminders
            })
        scenario.handle(.started)
        scenario.failPrimary()
        scenario.finishStep(.failed("the start command exited 1"))
        return scenario
    }

    static func escalationTimer(_ scenario: Scenario) -> TimerID? {
        scenario.machine.state.timers.escalation.map { .escalation(generation: $0) }
    }

    static func request(_ command: OperatorCommand, by: String = "alice") -> Event {
        .operatorRequested(OperatorRequest(command, by: by, reason: "on it"))
    }

    @Test func anUnacknowledgedIncidentEscalatesStepByStepToTheNamedChannels() throws {
        var scenario = Self.stuckIncident()
        let opened = try #require(scenario.machine.state.incident?.openedAt)
        let first = try #require(Self.escalationTimer(scenario))
        let early = scenario.handle(.timerFired(.escalation(generation: 999)), after: .seconds(60))
        #expect(early.messages.isEmpty, "a stale timer does nothing")
        let escalated = scenario.handle(.timerFired(first), after: opened + .seconds(600) - scenario.now)
        let message = try #require(escalated.messages.first)
        #expect(message.kind == .incidentEscalated && message.channels == ["pager"])
        #expect(message.reason.hasPrefix("not acknowledged after 10m") && message.reason.contains("`vigil ack --service shop`"))
        #expect(scenario.machine.state.incident?.escalations == 1)
        let delays = escalated.compactMap { effect -> Duration? in
            if case .schedule(.escalation, let delay) = effect { delay } else { nil }
        }
        #expect(delays == [.seconds(1_200)], "the next step is due 30m after the opening")
        let second = scenario.handle(.timerFired(try #require(Self.escalationTimer(scenario))), after: .seconds(1_200))
        #expect(second.messages.map(\.channels) == [["boss", "pager"]])
        #expect(scenario.machine.state.timers.escalation == nil, "every step was taken")
        let timeline = scenario.machine.state.incident?.timeline.map(\.what.description) ?? []
        #expect(timeline.filter { $0.hasPrefix("not acknowledged: escalated to") }.count == 2)
    }

    @Test func anAcknowledgedIncidentNeitherEscalatesNorReminds() throws {
        var scenario = Self.stuckIncident(reminders: .seconds(300))
        let pending = try #require(Self.escalationTimer(scenario))
        let reminder = try #require(scenario.machine.state.timers.reminder)
        let acked = scenario.handle(Self.request(.acknowledgeIncident), after: .seconds(120))
        #expect(acked.contains(.answer(.accepted(.acknowledgeIncident))))
        #expect(acked.messageKinds == [.incidentAcknowledged])
        #expect(acked.messages.first?.reason.contains("acknowledged by alice: on it") == true)
        #expect(scenario.machine.state.incident?.acknowledged == Acknowledgement(by: "alice", at: scenario.now))
        #expect(scenario.machine.state.incident?.timeline.last?.what == .acknowledged(by: "alice", reason: "on it"))
        #expect(scenario.handle(.timerFired(pending), after: .seconds(600)).messages.isEmpty)
        #expect(scenario.handle(.timerFired(.reminder(generation: reminder)), after: .seconds(1)).messages.isEmpty)
        let again = scenario.handle(Self.request(.acknowledgeIncident, by: "bob"))
        #expect(again.contains { if case .answer(.refused(_, let why)) = $0 { why.contains("acknowledged by alice") } else { false } })
    }

    @Test func ackWithoutAnIncidentIsRefusedAndPointsAtRearmWhenTheFlapBudgetHolds() {
        var scenario = Scenario(.fixture())
        scenario.handle(.started)
        let none = scenario.handle(Self.request(.acknowledgeIncident))
        #expect(none == [.answer(.refused(.acknowledgeIncident, why: "shop has no open incident to acknowledge"))])
        var state = scenario.machine.state
        state.phase = .stuck(.flapBudgetExhausted)
        scenario.machine = ServiceStateMachine(config: scenario.machine.config, state: state)
        let held = scenario.handle(Self.request(.acknowledgeIncident))
        #expect(held.contains { if case .answer(.refused(_, let why)) = $0 { why.contains("`vigil rearm` re-arms them") } else { false } })
    }

    /// The escalation state is the timeline in the snapshot: a restart takes the next step when
    /// it is due, never one taken before, and none for an acknowledged incident.
    @Test func aRestartNeitherLosesNorRepeatsAnEscalation() throws {
        var scenario = Self.stuckIncident()
        let opened = try #require(scenario.machine.state.incident?.openedAt)
        scenario.handle(.timerFired(try #require(Self.escalationTimer(scenario))), after: opened + .seconds(600) - scenario.now)
        let restartAt = scenario.now + .seconds(100)
        let (restored, effects) = ServiceStateMachine.restore(
            config: scenario.machine.config, snapshot: scenario.machine.state, observed: scenario.machine.state.upstreams, at: restartAt)
        let scheduled = effects.compactMap { effect -> Duration? in
            if case .schedule(.escalation, let delay) = effect { delay } else { nil }
        }
        #expect(scheduled == [opened + .seconds(1_800) - restartAt])
        #expect(effects.messageKinds.contains(.incidentEscalated) == false)
        #expect(restored.state.incident?.escalations == 1)

        var acknowledged = scenario.machine
        _ = acknowledged.handle(Self.request(.acknowledgeIncident), at: scenario.now)
        let (_, quiet) = ServiceStateMachine.restore(
            config: acknowledged.config, snapshot: acknowledged.state, observed: acknowledged.state.upstreams, at: restartAt)
        #expect(!quiet.timers.contains { if case .escalation = $0 { true } else { false } })
        #expect(!quiet.timers.contains { if case .reminder = $0 { true } else { false } })
    }

    @Test func theScheduledUpdateSaysStatusImpactAndTheNextUpdate() throws {
        var scenario = Self.stuckIncident(reminders: .seconds(1_800))
        let reminder = try #require(scenario.machine.state.timers.reminder)
        let update = scenario.handle(.timerFired(.reminder(generation: reminder)), after: .seconds(1_800))
        let reason = try #require(update.messages.first?.reason)
        #expect(update.messageKinds == [.incidentUpdate])
        #expect(reason.hasPrefix("Status: open for 30m"), "\(reason)")
        #expect(reason.contains("the runbook is stuck") && reason.contains("an operator is needed"), "\(reason)")
        #expect(reason.contains("Impact: shop is served by the primary, which fails its checks, since 1970-01-01 00:00 UTC"), "\(reason)")
        #expect(reason.hasSuffix("Next update in 30m, unless it ends first"), "\(reason)")
    }

    @Test func aDrillIsNotChased() {
        var scenario = Scenario(.fixture { $0.escalation = Self.steps })
        scenario.handle(.started)
        for _ in 0..<3 {
            scenario.probe(.primary, ok)
            scenario.probe(.standby, ok)
        }
        scenario.handle(Self.request(.drill(hold: .seconds(60), whilePaused: false, dryRun: false)))
        #expect(scenario.machine.state.incident?.kind == .drill)
        #expect(scenario.machine.state.timers.escalation == nil)
        let refused = scenario.handle(Self.request(.acknowledgeIncident))
        #expect(refused.contains { if case .answer(.refused) = $0 { true } else { false } })
    }
}
