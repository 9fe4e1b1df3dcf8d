import Testing
import VigilCore

/// Finding 2 of the hardening issue: with its descriptors exhausted by idle connections, the
/// agent's own probes failed with "couldn't connect", a false incident opened and "incident
/// started" went out. A check that could not be run on this host says nothing of the backend.
@Suite struct AgentFaultTests {
    private let noDescriptor: [ProbeOutcome] = [.failed(.local("cannot open a socket: Too many open files"))]

    @Test func localFaultsNeverCountAgainstTheBackend() {
        var scenario = Scenario()
        scenario.handle(.started)
        scenario.probe(.primary, ok)
        scenario.probe(.primary, ok)
        var said: [MessageKind] = []
        for _ in 0..<20 {
            let effects = scenario.probe(.primary, noDescriptor, after: .milliseconds(500))
            said += effects.messageKinds
            #expect(effects.runs.isEmpty)
            #expect(effects.timers.count == 1, "the loop goes on: \(effects)")
        }
        #expect(scenario.machine.state.runbook == nil && scenario.machine.phase == .primaryActive, "no failover on local faults")
        #expect(said == [.agentFault], "said once")
        #expect(scenario.machine.state.health[.primary]?.status == .up, "the backend's health is untouched")
        #expect(scenario.machine.state.agentFault?.contains("Too many open files") == true)
    }

    @Test func theFaultClearsWithAMessageAndDetectionResumes() {
        var scenario = Scenario()
        scenario.handle(.started)
        scenario.probe(.primary, ok)
        scenario.probe(.primary, ok)
        scenario.probe(.primary, noDescriptor)
        let cleared = scenario.probe(.primary, ok)
        #expect(cleared.messageKinds == [.agentFaultCleared])
        #expect(scenario.machine.state.agentFault == nil)
        #expect(cleared.saves == 1, "the cleared fault is saved, so a restart does not say it again")
        let failover = scenario.failPrimary()
        #expect(failover.messageKinds.contains(.incidentStarted), "a real failure still fails over")
    }

    @Test func theFaultIsDescribedAsTheAgents() {
        #expect(ProbeFailure.local("out of memory").description == "could not be run on this host: out of memory")
    }
}
