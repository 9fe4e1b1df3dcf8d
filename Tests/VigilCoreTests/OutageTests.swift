import Testing

@testable import VigilCore

/// The serving side goes down: moved away from when the other side is healthy, an outage when
/// it is not, and the outage ends on whichever side comes back first.
@Suite struct OutageTests {
    /// A warm standby serving after a failover, the primary still down.
    static func servingFromTheStandby() -> Scenario {
        var scenario = Scenario(.fixture(mode: .warm, failback: .manual(after: .seconds(300))), serving: .standby)
        _ = scenario.handle(.started)
        for _ in 0..<4 { scenario.probe(.primary, refused, after: .seconds(1)) }
        for _ in 0..<2 { scenario.probe(.standby, ok) }
        #expect(scenario.machine.health(.primary) == .down && scenario.machine.health(.standby) == .up)
        return scenario
    }

    /// The standby fails until something is said (bounded); returns every round's effects.
    static func failStandby(_ scenario: inout Scenario) -> [Effect] {
        var all: [Effect] = []
        for _ in 0..<6 {
            all += scenario.probe(.standby, refused, after: .seconds(1))
            if scenario.machine.state.incident != nil { break }
        }
        return all
    }

    @Test func theServingSideDownWithTheOtherDownIsAnOutageSaidWithBothSidesEvidence() {
        var scenario = Self.servingFromTheStandby()
        let effects = Self.failStandby(&scenario)
        #expect(effects.messageKinds == [.outageStarted])
        #expect(effects.runs.isEmpty, "nothing healthy to move to: the upstream stays")
        let reason = effects.messages.first?.reason ?? ""
        #expect(
            reason.contains("nothing healthy to serve") && reason.contains("standby: connection refused")
                && reason.contains("primary: connection refused"), "\(reason)")
        #expect(scenario.machine.state.incident?.kind == .outage)
        #expect(scenario.machine.phase == .secondaryActive)
        #expect(!scenario.machine.isProtected && scenario.machine.unprotectedReasons.contains { $0.contains("outage") })
        // Both sides stay watched, at the down interval.
        #expect(scenario.machine.state.probes[.primary] != .idle && scenario.machine.state.probes[.standby] != .idle)
        let later = scenario.probe(.standby, refused, after: .seconds(1))
        #expect(later.messageKinds.isEmpty, "said once")
        #expect(
            later.contains {
                if case .schedule(.probe(.standby, _), let after) = $0 { after == scenario.machine.config.detection.downInterval } else { false }
            })
    }

    @Test func theOutageEndsWhenTheOtherSideComesBackThroughTheGateAndSaysHowLongItLasted() {
        var scenario = Self.servingFromTheStandby()
        _ = Self.failStandby(&scenario)
        let id = scenario.machine.state.incident?.id
        let opened = scenario.machine.state.incident?.openedAt
        var moved: [Effect] = []
        for _ in 0..<3 where scenario.machine.state.runbook == nil { moved += scenario.probe(.primary, ok, after: .seconds(1)) }
        #expect(moved.messageKinds == [.incidentUpdate], "the move is news in the open outage, not a new incident")
        #expect(scenario.machine.state.incident?.id == id && scenario.machine.state.runbook?.target == .primary)
        #expect(scenario.step == .gate(.primary), "gated like any move")
        scenario.passGate(.primary)
        var done: [Effect] = []
        for _ in 0..<5 where scenario.step != nil { done += scenario.finishStep() }
        #expect(done.messageKinds.contains(.outageResolved))
        let resolved = done.messages.first { $0.kind == .outageResolved }
        #expect(resolved?.reason.contains("primary serves; the service was down for") == true, "\(String(describing: resolved?.reason))")
        #expect(scenario.machine.phase == .primaryActive && scenario.machine.state.incident == nil)
        #expect(scenario.machine.state.lastIncident?.id == id && scenario.machine.state.lastIncident?.kind == .outage)
        #expect(scenario.machine.state.lastIncident?.openedAt == opened)
        #expect(scenario.machine.isProtected)
    }

    @Test func theOutageEndsWithoutASwitchWhenTheServingSideComesBack() {
        var scenario = Self.servingFromTheStandby()
        _ = Self.failStandby(&scenario)
        var effects: [Effect] = []
        for _ in 0..<3 where scenario.machine.state.incident != nil { effects += scenario.probe(.standby, ok, after: .seconds(1)) }
        #expect(effects.messageKinds == [.outageResolved] && effects.runs.isEmpty)
        #expect(effects.messages.first?.reason.contains("standby passes its checks again; the service was down for") == true)
        #expect(scenario.machine.phase == .secondaryActive && scenario.machine.state.lastIncident?.resolvedAt != nil)
    }

    @Test func theServingSideDownWithTheOtherUpMovesNowEvenInsideTheCooldown() {
        var scenario = Self.servingFromTheStandby()
        for _ in 0..<3 { scenario.probe(.primary, ok, after: .seconds(1)) }
        scenario.machine.state.cooldownUntil = scenario.now + .seconds(300)
        let effects = Self.failStandby(&scenario)
        #expect(effects.messageKinds == [.incidentStarted] && scenario.machine.state.runbook?.target == .primary)
        #expect(scenario.step == .gate(.primary))
    }

    @Test func aColdStandbyIsStartedAndGatedWhenThePrimaryDies() {
        var scenario = Scenario(.fixture(mode: .cold, watchStandby: false))
        let effects = scenario.failPrimary()
        #expect(effects.messageKinds == [.incidentStarted] && effects.runs == [.start(.standby)])
    }

    @Test func aWatchedWarmStandbyThatIsDownWhenThePrimaryDiesIsAnOutageNotARunbookTowardIt() {
        var scenario = Scenario(.fixture(mode: .warm))
        _ = scenario.handle(.started)
        for _ in 0..<4 { scenario.probe(.standby, refused, after: .seconds(1)) }
        let effects = scenario.failPrimary()
        #expect(scenario.machine.state.runbook == nil, "no runbook toward a side known down that cannot be started")
        #expect(scenario.machine.state.incident?.kind == .outage)
        _ = effects
    }
}
