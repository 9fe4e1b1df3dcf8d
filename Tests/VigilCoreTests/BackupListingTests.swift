import Testing

@testable import VigilCore

/// A warm standby is listed as nginx `backup` by Vigil itself while the primary serves:
/// added after `rise`, dropped after `fall`, at most once a minute per load balancer.
@Suite struct BackupListingTests {
    static let listed = UpstreamLayout(active: .primary, backup: .standby)
    static let bare = UpstreamLayout(active: .primary)

    /// A warm standby whose file names only the primary (the operator's own), standby up.
    static func warmWithABareFile() -> (Scenario, [Effect]) {
        var scenario = Scenario(.fixture(mode: .warm))
        _ = scenario.handle(.started)
        var effects: [Effect] = []
        for _ in 0..<2 { effects += scenario.probe(.standby, ok) }
        return (scenario, effects)
    }

    @Test func aHealthyWarmStandbyIsListedAsBackupAndTheOperatorsFileIsSaidToBeReplaced() {
        var (scenario, effects) = Self.warmWithABareFile()
        #expect(effects.contains(.listBackup(loadBalancer: 0, to: Self.listed)))
        #expect(effects.messageKinds.isEmpty, "no incident")
        let done = scenario.handle(
            .backupListed(BackupListing(loadBalancer: 0, layout: Self.listed), .succeededReporting("the original is kept in x.vigil-original")),
            after: .seconds(1))
        #expect(done.messageKinds == [.upstreamAdopted])
        #expect(scenario.machine.state.upstreams == [Self.listed] && scenario.machine.phase == .primaryActive)
    }

    @Test func aStandbyThatGoesDownIsDroppedNoSoonerThanAMinuteAfterTheLastRewrite() {
        var (scenario, _) = Self.warmWithABareFile()
        scenario.handle(.backupListed(BackupListing(loadBalancer: 0, layout: Self.listed), .succeeded), after: .seconds(1))
        var effects: [Effect] = []
        for _ in 0..<4 { effects += scenario.probe(.standby, refused, after: .seconds(1)) }
        #expect(!effects.contains { if case .listBackup = $0 { true } else { false } }, "rate-limited")
        guard let generation = scenario.machine.state.timers.backupListing else {
            Issue.record("no timer for the held-back rewrite: \(effects)")
            return
        }
        let due = effects.compactMap { effect -> Duration? in
            if case .schedule(.backupListing, let after) = effect { after } else { nil }
        }
        #expect(due.count == 1 && due[0] <= .seconds(60) && due[0] >= .seconds(50), "\(due)")
        let fired = scenario.handle(.timerFired(.backupListing(generation: generation)), after: due.first ?? .zero)
        #expect(fired.contains(.listBackup(loadBalancer: 0, to: Self.bare)), "the last wanted layout wins: \(fired)")
    }

    @Test func aFailedRewriteIsSaidOnceAndARunbookWaitsForTheRewriteInFlight() {
        var (scenario, _) = Self.warmWithABareFile()
        let failed = scenario.handle(
            .backupListed(BackupListing(loadBalancer: 0, layout: Self.listed), .failed("test failed on lb0: nginx: [emerg]")), after: .seconds(1))
        #expect(failed.messageKinds == [.backupListingFailed])
        #expect(failed.messages.first?.reason.contains("nginx: [emerg]") == true)
        // Past the rate limit the rewrite is tried again; while it is in flight the primary dies.
        var effects: [Effect] = []
        for _ in 0..<70 where !effects.contains(where: { if case .listBackup = $0 { true } else { false } }) {
            effects = scenario.probe(.standby, ok, after: .seconds(1))
            if let generation = scenario.machine.state.timers.backupListing {
                effects += scenario.handle(.timerFired(.backupListing(generation: generation)), after: .seconds(60))
            }
        }
        #expect(scenario.machine.state.backupListing != nil)
        for _ in 0..<6 { scenario.probe(.primary, refused, after: .seconds(1)) }
        #expect(scenario.machine.state.runbook == nil, "two writes never race on one file")
        let after = scenario.handle(.backupListed(BackupListing(loadBalancer: 0, layout: Self.listed), .succeeded), after: .seconds(1))
        #expect(after.messageKinds == [.backupListed, .incidentStarted], "\(after.messageKinds)")
    }

    @Test func aColdStandbyIsNeverListed() {
        var scenario = Scenario(.fixture(mode: .cold))
        _ = scenario.handle(.started)
        var effects: [Effect] = []
        for _ in 0..<3 { effects += scenario.probe(.standby, ok) }
        #expect(!effects.contains { if case .listBackup = $0 { true } else { false } })
    }
}
