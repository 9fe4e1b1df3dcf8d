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

/// After a restart Vigil resumes what it was doing and never says again what it already said.
@Suite struct RestartSaysNothingTwiceTests {
    @Test func anOutageResumesWithoutASecondOutageMessageAndEndsOnce() {
        var scenario = OutageTests.servingFromTheStandby()
        _ = OutageTests.failStandby(&scenario)
        #expect(scenario.machine.state.incident?.kind == .outage)
        let (machine, effects) = ServiceStateMachine.restore(
            config: scenario.machine.config, snapshot: scenario.machine.state, observed: [UpstreamLayout(active: .standby)],
            at: scenario.now + .seconds(5))
        #expect(effects.messageKinds.isEmpty, "nothing already said is said again: \(effects.messageKinds)")
        scenario.machine = machine
        scenario.now = scenario.now + .seconds(5)
        var later: [Effect] = []
        for _ in 0..<4 {
            later += scenario.probe(.primary, refused, after: .seconds(1))
            later += scenario.probe(.standby, refused, after: .seconds(1))
        }
        #expect(!later.messageKinds.contains(.outageStarted), "the outage is the same one after the restart")
        for _ in 0..<3 { later += scenario.probe(.standby, ok, after: .seconds(1)) }
        #expect(later.messageKinds.filter { $0 == .outageResolved }.count == 1)
    }

    @Test func anUnreachableHostAndAnUnreadableFileAreNotSaidAgainAndAClearedOneIsSaidOnce() {
        var scenario = Scenario(.fixture { $0.hosts = ["lb0"] })
        _ = scenario.handle(.started)
        for _ in 0..<2 { scenario.handle(.hostChecked("lb0", problem: "connection refused")) }
        scenario.handle(.upstreamsObserved([SightTests.refusedRead]))
        let (machine, effects) = ServiceStateMachine.restore(
            config: scenario.machine.config, snapshot: scenario.machine.state, observations: [SightTests.refusedRead], at: scenario.now)
        #expect(effects.messageKinds.isEmpty, "\(effects.messageKinds)")
        #expect(effects.contains { if case .schedule(.observeUpstreams, _) = $0 { true } else { false } }, "the re-reads go on")
        #expect(machine.state.hosts["lb0"]?.saidUnreachable == true)
        let (readable, cleared) = ServiceStateMachine.restore(
            config: scenario.machine.config, snapshot: scenario.machine.state,
            observations: [.serving(UpstreamLayout(active: .primary))], at: scenario.now)
        #expect(cleared.messageKinds == [.upstreamReadable] && readable.state.upstreamProblem == nil)
    }

    @Test func aBackupRewriteInFlightAtTheRestartIsJudgedByWhatTheFileSays() {
        let (scenario, _) = BackupListingTests.warmWithABareFile()
        #expect(scenario.machine.state.backupListing != nil)
        let (landed, _) = ServiceStateMachine.restore(
            config: scenario.machine.config, snapshot: scenario.machine.state, observed: [BackupListingTests.listed], at: scenario.now)
        #expect(landed.phase == .primaryActive && landed.state.upstreams == [BackupListingTests.listed] && landed.state.backupListing == nil)
        let (notLanded, _) = ServiceStateMachine.restore(
            config: scenario.machine.config, snapshot: scenario.machine.state, observed: [BackupListingTests.bare], at: scenario.now)
        #expect(notLanded.phase == .primaryActive && notLanded.state.upstreams == [BackupListingTests.bare])
        _ = scenario
    }
}
