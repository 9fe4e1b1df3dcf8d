import Foundation
import Testing
import VigilCore

/// A saved snapshot holds only what a running service could have written: anything else is
/// refused by name before it is resumed (a timer counter near Int.max once trapped on overflow).
@Suite struct SnapshotRangeTests {
    private var snapshot: ServiceSnapshot {
        var scenario = Scenario()
        scenario.handle(.started)
        scenario.failPrimary()
        return scenario.machine.state
    }

    @Test func aRunningServicesSnapshotIsInRange() {
        #expect(snapshot.rangeProblem == nil)
        #expect(Scenario().machine.state.rangeProblem == nil)
    }

    @Test func eachCounterOutOfRangeIsNamed() throws {
        var timers = snapshot
        timers.timers.next = Int.max - 1
        #expect(timers.rangeProblem == "timers.next is \(Int.max - 1)")
        var zero = snapshot
        zero.timers.next = 0
        #expect(zero.rangeProblem == "timers.next is 0")
        var generation = snapshot
        generation.timers.retry = generation.timers.next + 5
        #expect(generation.rangeProblem?.hasPrefix("timers.retry is") == true)
        var incidents = snapshot
        incidents.incidentCount = -1
        #expect(incidents.rangeProblem == "incidentCount is -1")
        var runbook = snapshot
        let plan = try #require(runbook.runbook)
        runbook.runbook?.index = plan.steps.count + 1
        #expect(runbook.rangeProblem?.hasPrefix("runbook.index is") == true)
        var attempt = snapshot
        attempt.runbook?.attempt = 0
        #expect(attempt.rangeProblem == "runbook.attempt is 0")
        var gate = snapshot
        gate.runbook?.gateSuccesses = -3
        #expect(gate.rangeProblem == "runbook.gateSuccesses is -3")
        // Health counters only change through probes; a file can still say anything.
        let json = String(decoding: try JSONEncoder().encode(snapshot), as: UTF8.self)
        let edited = try #require(json.range(of: #""consecutiveFailures":"#)).upperBound
        let tampered = json[..<edited] + "-7" + json[edited...].drop { $0.isNumber }
        let health = try JSONDecoder().decode(ServiceSnapshot.self, from: Data(tampered.utf8))
        #expect(health.rangeProblem?.contains("consecutiveFailures is -7") == true, "\(health.rangeProblem ?? "")")
        var layouts = snapshot
        layouts.runbook?.previousLayouts = []
        #expect(layouts.rangeProblem?.hasPrefix("runbook.previousLayouts has 0") == true)
    }
}
