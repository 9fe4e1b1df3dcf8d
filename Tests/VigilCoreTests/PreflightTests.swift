import Testing
import VigilCore

/// The preflight in the core: run at start and on its interval (never during a runbook); what it
/// finds marks the service not protected and is said once, again when it changes, and when it
/// clears.
@Suite struct PreflightTests {
    @Test func itRunsAtStartAndOnItsInterval() {
        var scenario = Scenario(.fixture { $0.preflightInterval = .seconds(600) })
        let started = scenario.handle(.started)
        #expect(started.contains(.preflight))
        guard let generation = scenario.machine.state.timers.preflight else {
            Issue.record("no preflight timer")
            return
        }
        #expect(started.contains(.schedule(.preflight(generation: generation), after: .seconds(600))))
        let again = scenario.handle(.timerFired(.preflight(generation: generation)), after: .seconds(600))
        #expect(again.contains(.preflight))
        #expect(scenario.handle(.timerFired(.preflight(generation: generation))).isEmpty, "a stale timer does nothing")
    }

    @Test func findingsMarkTheServiceUnprotectedAndAreSaidWhenTheyChange() {
        var scenario = Scenario(.fixture { $0.preflightInterval = .seconds(3_600) })
        scenario.handle(.started)
        let failed = scenario.handle(.preflightFinished(findings: ["lb0: nginx -t of the standby's upstream failed: host not found"]))
        #expect(failed.messageKinds == [.preflightFailed])
        #expect(failed.messages.first?.reason.hasPrefix("a failover now would fail: lb0") == true)
        #expect(!scenario.machine.isProtected)
        #expect(scenario.machine.unprotectedReasons.contains("preflight: lb0: nginx -t of the standby's upstream failed: host not found"))
        #expect(
            scenario.handle(.preflightFinished(findings: ["lb0: nginx -t of the standby's upstream failed: host not found"])).messageKinds.isEmpty)
        #expect(scenario.handle(.preflightFinished(findings: ["standby host: host key mismatch"])).messageKinds == [.preflightFailed])
        #expect(scenario.handle(.preflightFinished(findings: [])).messageKinds == [.preflightPassed])
        #expect(scenario.machine.isProtected)
    }

    @Test func noPreflightRunsDuringARunbookAndOffMeansNever() {
        var scenario = Scenario(.fixture { $0.preflightInterval = .seconds(3_600) })
        scenario.handle(.started)
        scenario.failPrimary()
        guard let generation = scenario.machine.state.timers.preflight else {
            Issue.record("no preflight timer")
            return
        }
        let during = scenario.handle(.timerFired(.preflight(generation: generation)), after: .seconds(3_600))
        #expect(!during.contains(.preflight))
        #expect(during.timers.contains { if case .preflight = $0 { true } else { false } }, "the next one is scheduled")

        var off = Scenario(.fixture { $0.preflightInterval = nil })
        #expect(!off.handle(.started).contains(.preflight))
    }
}
