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

extension PreflightTests {
    @Test func whileItFindsSomethingItRunsAgainSoonAndWhenAHostAnswers() {
        var scenario = Scenario(
            .fixture {
                $0.preflightInterval = .seconds(3_600)
                $0.hosts = ["lb0"]
            })
        scenario.handle(.started)
        let failed = scenario.handle(.preflightFinished(findings: ["lb0: connection refused"]))
        #expect(failed.contains { if case .schedule(.preflight, let after) = $0 { after == .seconds(30) } else { false } })
        scenario.handle(.hostChecked("lb0", problem: "connection refused"))
        scenario.handle(.hostChecked("lb0", problem: "connection refused"))
        let back = scenario.handle(.hostChecked("lb0", problem: nil))
        #expect(back.messageKinds == [.hostReachable])
        #expect(back.contains(.preflight), "the preflight runs again at once")
        scenario.handle(.preflightFinished(findings: []))
        guard let generation = scenario.machine.state.timers.preflight else {
            Issue.record("no preflight timer")
            return
        }
        let next = scenario.handle(.timerFired(.preflight(generation: generation)), after: .seconds(30))
        #expect(next.contains { if case .schedule(.preflight, let after) = $0 { after == .seconds(3_600) } else { false } }, "passing: hourly again")
    }
}
