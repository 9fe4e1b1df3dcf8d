import Foundation
import Testing

@testable import VigilCore

/// A snapshot written by the previous version is read, brought to the current one, and resumed.
@Suite struct MigrationTests {
    /// The current snapshot as version 1 wrote it: without the fields version 2 added.
    static func versionOne(_ snapshot: ServiceSnapshot) throws -> Data {
        var object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(snapshot)) as? [String: Any])
        object["version"] = 1
        for key in ["upstreamProblem", "upstreamRereads", "hosts"] { object[key] = nil }
        var timers = object["timers"] as? [String: Any] ?? [:]
        timers["observe"] = nil
        timers["hostCheck"] = nil
        object["timers"] = timers
        return try JSONSerialization.data(withJSONObject: object)
    }

    @Test func aVersionOneSnapshotIsMigratedAndResumes() throws {
        var scenario = Scenario()
        scenario.failOver()
        #expect(scenario.machine.phase == .secondaryActive)
        let old = try JSONDecoder().decode(ServiceSnapshot.self, from: try Self.versionOne(scenario.machine.state))
        #expect(old.version == 1 && old.hosts.isEmpty && old.upstreamProblem == nil)
        let migrated = try #require(old.migrated())
        #expect(migrated.version == ServiceSnapshot.currentVersion && ServiceSnapshot.currentVersion == 2)
        let (machine, effects) = ServiceStateMachine.restore(
            config: scenario.machine.config, snapshot: old, observed: [UpstreamLayout(active: .standby)], at: scenario.now)
        #expect(machine.phase == .secondaryActive && machine.state.version == 2)
        #expect(machine.state.lastIncident == scenario.machine.state.lastIncident)
        #expect(effects.messageKinds.isEmpty, "nothing already said is said again")
    }

    @Test func aVersionFromTheFutureIsRefusedByName() {
        var snapshot = Scenario().machine.state
        snapshot.version = 9
        #expect(snapshot.migrated() == nil)
        let (machine, _) = ServiceStateMachine.restore(
            config: .fixture(), snapshot: snapshot, observed: [UpstreamLayout(active: .primary)], at: .zero)
        #expect(machine.phase == .stuck(.reconcileFailed("the saved state has version 9; this Vigil reads version 2")))
    }
}
