import Testing
import VigilCore

/// Planned maintenance in the core: a hold of automatic runbooks only, said at its start and
/// end, a held failure said once and acted on when the window ends.
@Suite struct MaintenanceTests {
    static let hold = MaintenanceHold(id: "m-1", until: .seconds(1_796_000_000), reason: "database upgrade")

    static func watching() -> Scenario {
        var scenario = Scenario(.fixture())
        scenario.handle(.started)
        for _ in 0..<3 {
            scenario.probe(.primary, ok)
            scenario.probe(.standby, ok)
        }
        return scenario
    }

    @Test func aWindowIsSaidAtItsStartAndEndAndShownAsUnprotected() throws {
        var scenario = Self.watching()
        let began = scenario.handle(.maintenanceChanged(Self.hold))
        #expect(began.messageKinds == [.maintenanceStarted])
        #expect(began.messages.first?.reason.contains("until 2026-11-30 00:53 UTC: database upgrade") == true, "\(began.messages)")
        #expect(scenario.machine.unprotectedReasons == ["planned maintenance until 2026-11-30 00:53 UTC: no automatic failover"])
        #expect(scenario.handle(.maintenanceChanged(Self.hold)).messages.isEmpty, "the same window again says nothing")
        let ended = scenario.handle(.maintenanceChanged(nil))
        #expect(ended.messageKinds == [.maintenanceEnded])
        #expect(scenario.machine.isProtected)
    }

    @Test func aFailureInsideIsHeldAndSaidOnceThenFailedOverWhenTheWindowEnds() throws {
        var scenario = Self.watching()
        scenario.handle(.maintenanceChanged(Self.hold))
        var said: [MessageKind] = []
        for _ in 0..<12 { said += scenario.probe(.primary, refused, after: .milliseconds(500)).messageKinds }
        #expect(scenario.machine.state.runbook == nil, "no automatic failover inside the window")
        #expect(said == [.maintenanceHeld], "said once: \(said)")
        let ended = scenario.handle(.maintenanceChanged(nil))
        #expect(ended.messageKinds == [.maintenanceEnded, .incidentStarted], "acted on as soon as it can be")
        #expect(scenario.machine.state.runbook?.kind == .failover)
    }

    @Test func anOperatorsFailoverStillRunsInside() {
        var scenario = Self.watching()
        scenario.handle(.maintenanceChanged(Self.hold))
        let forced = scenario.handle(.operatorRequested(OperatorRequest(.failover(skipGate: false, dryRun: false), by: "alice", reason: "now")))
        #expect(forced.contains(.answer(.accepted(.failover(skipGate: false, dryRun: false)))))
        #expect(scenario.machine.state.runbook?.kind == .failover)
    }

    @Test func theNextWindowFollowsWithAnEndAndAStart() {
        var scenario = Self.watching()
        scenario.handle(.maintenanceChanged(Self.hold))
        let next = MaintenanceHold(id: "m-2", until: .seconds(1_796_100_000), reason: "kernel")
        #expect(scenario.handle(.maintenanceChanged(next)).messageKinds == [.maintenanceEnded, .maintenanceStarted])
        #expect(scenario.machine.state.maintenance?.id == "m-2")
    }

    @Test func utcMinutesAreCalendarDates() {
        #expect(Instant.zero.utcMinute == "1970-01-01 00:00 UTC")
        #expect(Instant.seconds(951_782_400).utcMinute == "2000-02-29 00:00 UTC")
        #expect(Instant.seconds(1_796_000_000).utcMinute == "2026-11-30 00:53 UTC")
        #expect(Instant.seconds(4_102_444_799).utcMinute == "2099-12-31 23:59 UTC")
        #expect(Instant.seconds(-60).utcMinute == "1969-12-31 23:59 UTC")
    }
}
