import Testing
import VigilCore

/// A service watched by a cluster, in the core: only the leader acts, an agent that lost etcd
/// says so and is shown unprotected, and the leader leaves a side that is down only when enough
/// vantage points see it down.
@Suite struct ClusterTests {
    static func member(confirm: Int? = nil) -> ServiceConfig {
        .fixture { $0.cluster = ClusterSettings(agent: "lb1", confirm: confirm, confirmGrace: .seconds(3)) }
    }

    static func watching(_ config: ServiceConfig = member(), standing: ClusterStanding) -> Scenario {
        var scenario = Scenario(config)
        scenario.handle(.started)
        scenario.handle(.clusterChanged(standing))
        for _ in 0..<3 {
            scenario.probe(.primary, ok)
            scenario.probe(.standby, ok)
        }
        return scenario
    }

    static func view(_ agent: String, primary: HealthStatus) -> VantageView {
        VantageView(agent: agent, primary: primary, standby: .up, since: .zero)
    }

    @Test func aFollowerNeverStartsARunbookAndSaysNothingOfTheService() {
        var scenario = Self.watching(standing: .following(leader: "lb2"))
        let effects = scenario.failPrimary()
        #expect(effects.runs.isEmpty, "the leader acts, not a follower")
        #expect(effects.messageKinds.isEmpty, "\(effects.messageKinds)")
        #expect(scenario.machine.state.runbook == nil)
        #expect(scenario.machine.isProtected, "the leader protects the service")
    }

    @Test func aMemberThatHasNotProvedItLeadsWaits() {
        var scenario = Scenario(Self.member())
        scenario.handle(.started)
        #expect(scenario.machine.cluster.standing == .following(leader: nil))
        #expect(scenario.failPrimary().runs.isEmpty)
    }

    @Test func lostIsSaidOnceShownUnprotectedAndActedOnWhenItLeadsAgain() {
        var scenario = Self.watching(standing: .leading)
        let lost = scenario.handle(.clusterChanged(.lost("lb1 could not renew its lease on etcd for 1.6s (refused)")))
        #expect(lost.messageKinds == [.clusterLost])
        #expect(lost.messages.first?.reason.contains("stopped acting before its lease could expire") == true, "\(lost.messages)")
        #expect(scenario.handle(.clusterChanged(.lost("another cause"))).messages.isEmpty, "still lost: said once")
        #expect(
            scenario.machine.unprotectedReasons.contains("cluster: another cause: no automatic failover"),
            "the latest cause is shown: \(scenario.machine.unprotectedReasons)")
        let failed = scenario.failPrimary()
        #expect(failed.runs.isEmpty, "no automatic runbook without proof of leadership")
        let back = scenario.handle(.clusterChanged(.leading))
        #expect(back.messageKinds.first == .clusterRegained)
        #expect(back.messageKinds.contains(.incidentStarted), "the failure is acted on as soon as it can be: \(back.messageKinds)")
        #expect(scenario.machine.isProtected)
    }

    @Test func aLeaderAloneInItsClusterFailsOverOnItsOwnView() {
        var scenario = Self.watching(standing: .leading)
        #expect(scenario.failPrimary().messageKinds.contains(.incidentStarted))
    }

    @Test func theLeaderWaitsForAMajorityAndSaysWhenTheVantagePointsDisagree() {
        var scenario = Self.watching(standing: .leading)
        scenario.handle(.peerViewsChanged([Self.view("lb2", primary: .up)]))
        var said: [MessageKind] = []
        for _ in 0..<16 { said += scenario.probe(.primary, refused, after: .milliseconds(500)).messageKinds }
        #expect(scenario.machine.state.runbook == nil, "1 of 2 agents is not a majority")
        #expect(said == [.vantagesDisagree], "said once, after the grace: \(said)")
        let agreed = scenario.handle(.peerViewsChanged([Self.view("lb2", primary: .down)]))
        #expect(agreed.messageKinds == [.incidentStarted], "the other's confirmation starts it at once")
    }

    @Test func theDisagreementNamesEachVantagePoint() {
        var scenario = Self.watching(standing: .leading)
        scenario.handle(.peerViewsChanged([Self.view("lb2", primary: .up)]))
        var messages: [Message] = []
        for _ in 0..<16 { messages += scenario.probe(.primary, refused, after: .milliseconds(500)).messages }
        let reason = messages.first?.reason ?? ""
        #expect(reason.hasPrefix("lb1 sees primary down (primary: connection refused), lb2 does not (up): not failing over"), "\(reason)")
        #expect(reason.contains("2 of 2 live agents must see it down"))
    }

    @Test func noDisagreementIsSaidWhenTheOthersConfirmWithinTheGrace() {
        var scenario = Self.watching(standing: .leading)
        scenario.handle(.peerViewsChanged([Self.view("lb2", primary: .up)]))
        var said: [MessageKind] = []
        for _ in 0..<6 { said += scenario.probe(.primary, refused, after: .milliseconds(500)).messageKinds }
        said += scenario.handle(.peerViewsChanged([Self.view("lb2", primary: .down)])).messageKinds
        #expect(said == [.incidentStarted], "\(said)")
    }

    @Test func confirmOneLetsAnyAgentDecide() {
        var scenario = Self.watching(Self.member(confirm: 1), standing: .leading)
        scenario.handle(.peerViewsChanged([Self.view("lb2", primary: .up), Self.view("lb3", primary: .up)]))
        #expect(scenario.failPrimary().messageKinds.contains(.incidentStarted))
    }

    @Test func aForcedFailoverIsNeverHeldByTheVantagePoints() {
        var scenario = Self.watching(standing: .leading)
        scenario.handle(.peerViewsChanged([Self.view("lb2", primary: .up)]))
        let forced = scenario.handle(.operatorRequested(OperatorRequest(.failover(skipGate: false, dryRun: false), by: "alice", reason: "")))
        #expect(forced.contains(.answer(.accepted(.failover(skipGate: false, dryRun: false)))))
    }

    @Test func aFollowerMirrorsTheLeadersStateAndKeepsItsOwnChecks() {
        var leader = Self.watching(standing: .leading)
        leader.handle(.operatorRequested(OperatorRequest(.failover(skipGate: false, dryRun: false), by: "alice", reason: "")))
        let shared = leader.machine.state
        var follower = Self.watching(standing: .following(leader: "lb2"))
        let health = follower.machine.state.health
        #expect(follower.handle(.leaderStateShared(shared)).acting.isEmpty, "a follower does nothing about what it mirrors")
        #expect(follower.machine.state.incident?.id == shared.incident?.id)
        #expect(follower.machine.phase == shared.phase)
        #expect(follower.machine.state.health == health, "its own checks stay its own")
        var alone = Self.watching(standing: .leading)
        let before = alone.machine.state
        alone.handle(.leaderStateShared(shared))
        #expect(alone.machine.state == before, "the leader's own state comes back to it and is ignored")
    }

    @Test func aRestoredMachineJoinsWithoutActingBeforeItsEffectsRun() {
        var scenario = Self.watching(standing: .leading)
        scenario.failPrimary()
        let saved = scenario.machine.state
        var (machine, _) = ServiceStateMachine.restore(
            config: Self.member(), snapshot: saved, observed: [UpstreamLayout(active: .primary)], at: scenario.now)
        #expect(machine.cluster.standing == .following(leader: nil))
        machine.join(standing: .leading, peers: [Self.view("lb1", primary: .down), Self.view("lb2", primary: .down)])
        #expect(machine.cluster.standing == .leading)
        #expect(machine.cluster.peers.map(\.agent) == ["lb2"], "its own view is not a peer's")
        #expect(machine.state.incident?.id == saved.incident?.id, "the same incident")
    }
}
