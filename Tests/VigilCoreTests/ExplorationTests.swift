import Testing

@testable import VigilCore

/// The invariants, checked after every step of every event sequence the explorer can reach.
/// One exploration at a time, each on a thread of its own: they are long and CPU-bound, and on
/// Swift's cooperative pool (two threads here) they would stall every other test's awaits.
@Suite(.serialized) struct ExplorationTests {
    /// Small numbers so that depth 8 reaches failovers, failbacks, rollbacks and retries.
    static let config = ServiceConfig.fixture(
        fall: 2, rise: 1, minFailure: .milliseconds(500), loadBalancers: 1,
        failback: .automatic(after: .seconds(1))
    ) { config in
        config.antiFlap.cooldown = .seconds(2)
        config.antiFlap.budget = 2
        config.antiFlap.window = .seconds(20)
        config.runbook.retryInterval = .seconds(5)
        config.runbook.fenceOldActive = true
        config.primary.canStop = true
    }

    @Test func everyReachableStateKeepsTheInvariants() async {
        let report = await StateExplorer(config: Self.config).exploreOffPool(depth: 8)
        print(
            "explored \(report.statesVisited) states, \(report.transitions) transitions, depth \(report.depthReached), "
                + "\(report.snapshotsChecked) snapshots restored; phases: \(report.phasesSeen.sorted())")
        #expect(report.violations.isEmpty, "\(report.violations.prefix(5).joined(separator: "\n"))")
        #expect(report.depthReached == 8)
        #expect(report.statesVisited > 1_000, "explored \(report.statesVisited) states")
        #expect(report.snapshotsChecked > 1_000)
        for phase in ["primaryActive", "failingOver(start standby)", "failingOver(health gate of standby)", "paused"] {
            #expect(report.phasesSeen.contains(phase), "never reached \(phase): \(report.phasesSeen.sorted())")
        }
        #expect(report.phasesSeen.contains { $0.hasPrefix("stuck") })
        #expect(report.phasesSeen.contains { $0.hasPrefix("failingOver(switch") })
    }

    @Test func theWarmStandbyVariantKeepsTheInvariants() async {
        let warm = ServiceConfig.fixture(
            fall: 2, rise: 1, minFailure: .milliseconds(500), mode: .warm,
            failback: .automatic(after: .seconds(1))
        ) { $0.antiFlap.cooldown = .seconds(1) }
        let report = await StateExplorer(config: warm).exploreOffPool(depth: 8)
        #expect(report.violations.isEmpty, "\(report.violations.prefix(5).joined(separator: "\n"))")
    }

    @Test func theCheckerCatchesAMachineThatSwitchesWithoutAGate() async {
        let broken = StateExplorer(config: Self.config) { machine, event, now in
            var effects = machine.handle(event, at: now)
            if case .probeFinished(.primary, let outcomes) = event, !outcomes[0].isHealthy, machine.phase == .primaryActive {
                effects.append(.run(.switchUpstream(loadBalancer: 0, to: UpstreamLayout(active: .standby))))
            }
            return effects
        }
        let report = await broken.exploreOffPool(depth: 4)
        #expect(report.violations.contains { $0.contains("with no runbook") })
    }

    @Test func theCheckerCatchesAMachineThatForgetsTheRollback() async {
        let broken = StateExplorer(config: Self.config) { machine, event, now in
            let effects = machine.handle(event, at: now)
            if case .stepFinished(.switchUpstream, .failed) = event {
                return effects.filter { if case .run = $0 { false } else { true } }
            }
            return effects
        }
        let report = await broken.exploreOffPool(depth: 6)
        #expect(report.violations.contains { $0.contains("not rolled back") })
    }

    @Test func theCheckerCatchesAMachineThatActsWhilePaused() async {
        let broken = StateExplorer(config: Self.config) { machine, event, now in
            var effects = machine.handle(event, at: now)
            if machine.phase == .paused { effects.append(.run(.start(.standby))) }
            return effects
        }
        let report = await broken.exploreOffPool(depth: 3)
        #expect(report.violations.contains { $0.contains("acted while paused") })
    }

    @Test func theCheckerCatchesAMachineThatFailsOverOnTheFirstFailure() async {
        let hasty = ServiceConfig.fixture(fall: 1, rise: 1, minFailure: .zero)
        let config = Self.config
        let broken = StateExplorer(config: config) { machine, event, now in
            // Decides with fall 1 and no minimum duration; the checker judges by the real settings.
            var hastyMachine = ServiceStateMachine(config: hasty, state: machine.state)
            let effects = hastyMachine.handle(event, at: now)
            machine = ServiceStateMachine(config: config, state: hastyMachine.state)
            return effects
        }
        let report = await broken.exploreOffPool(depth: 4)
        #expect(report.violations.contains { $0.contains("automatic failover after") })
    }
}
