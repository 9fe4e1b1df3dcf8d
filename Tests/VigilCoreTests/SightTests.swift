import Testing

@testable import VigilCore

/// The upstream files and the SSH hosts: losing sight of either is said once, shown as
/// unprotected, retried, and said again when it clears.
@Suite struct SightTests {
    static let refusedRead = UpstreamObservation.unreadable("/etc/nginx/upstreams/shop.conf: root@lb0:22: connectionRefused: connection refused")

    @Test func anUpstreamThatCannotBeReadAtStartIsSaidWithItsCauseAndReadAgainWithBackoff() {
        var machine = ServiceStateMachine(config: .fixture(), observations: [Self.refusedRead])
        guard case .stuck(.reconcileFailed(let why)) = machine.phase else {
            Issue.record("\(machine.phase)")
            return
        }
        #expect(why.contains("cannot read the upstream file on lb0") && why.contains("connection refused"))
        let started = machine.handle(.started, at: .zero)
        #expect(started.messageKinds == [.upstreamUnreadable])
        #expect(started.messages.first?.reason.contains("connection refused") == true)
        #expect(!machine.isProtected)
        var delays: [Duration] = []
        var now = Instant.zero
        var last = started
        for _ in 0..<5 {
            let scheduled = last.compactMap { effect -> (Int, Duration)? in
                if case .schedule(.observeUpstreams(let generation), let after) = effect { (generation, after) } else { nil }
            }
            guard let (generation, delay) = scheduled.first else { break }
            delays.append(delay)
            now = now + delay
            #expect(machine.handle(.timerFired(.observeUpstreams(generation: generation)), at: now) == [.observeUpstreams])
            last = machine.handle(.upstreamsObserved([Self.refusedRead]), at: now)
            #expect(last.messageKinds.isEmpty, "said once")
        }
        #expect(delays.count == 5)
        for (round, delay) in delays.enumerated() {
            let base = Duration.seconds(2) * (1 << round)
            #expect(delay <= base && delay >= base * 0.8, "round \(round): \(delay)")
        }
        let cleared = machine.handle(.upstreamsObserved([.serving(UpstreamLayout(active: .primary))]), at: now + .seconds(1))
        #expect(cleared.messageKinds == [.upstreamReadable])
        #expect(machine.phase == .primaryActive && machine.isProtected && machine.state.upstreamProblem == nil)
    }

    @Test func aFileThatNamesNeitherBackendIsQuotedAndABackoffIsCappedByTheRetryInterval() {
        var machine = ServiceStateMachine(config: .fixture(), observations: [.unrecognised("its server lines: `server 10.9.9.9:80;`")])
        _ = machine.handle(.started, at: .zero)
        #expect(machine.state.upstreamProblem?.contains("`server 10.9.9.9:80;`") == true)
        #expect(machine.backoff(round: 30) <= .seconds(60) && machine.backoff(round: 30) >= .seconds(48))
    }

    @Test func aDriftCheckThatCannotReadSaysSoWithoutStoppingFailover() {
        var scenario = Scenario()
        let blind = scenario.handle(.upstreamsObserved([Self.refusedRead]))
        #expect(blind.messageKinds == [.upstreamUnreadable] && scenario.machine.phase == .primaryActive)
        #expect(scenario.machine.unprotectedReasons.contains { $0.contains("cannot read the upstream file on lb0") })
        #expect(scenario.handle(.upstreamsObserved([Self.refusedRead])).messageKinds.isEmpty, "said once, one re-read pending")
        #expect(scenario.failPrimary().messageKinds == [.incidentStarted], "a failover may still work: it is tried")
        let clear = scenario.handle(.upstreamsObserved([.serving(UpstreamLayout(active: .primary))]))
        #expect(clear.messageKinds == [.upstreamReadable])
    }

    @Test func aRestoredServiceWhoseFileCannotBeReadWaitsAndResumesWhenItCan() {
        var scenario = Scenario()
        let (machine, effects) = ServiceStateMachine.restore(
            config: scenario.machine.config, snapshot: scenario.machine.state, observations: [Self.refusedRead], at: .seconds(10))
        #expect(effects.messageKinds == [.upstreamUnreadable])
        guard case .stuck(.reconcileFailed) = machine.phase else {
            Issue.record("\(machine.phase)")
            return
        }
        scenario.machine = machine
        let back = scenario.handle(.upstreamsObserved([.serving(UpstreamLayout(active: .primary))]), after: .seconds(12))
        #expect(back.messageKinds == [.upstreamReadable] && scenario.machine.phase == .primaryActive)
        var drifted = Scenario()
        let (held, _) = ServiceStateMachine.restore(
            config: drifted.machine.config, snapshot: drifted.machine.state, observations: [Self.refusedRead], at: .seconds(10))
        drifted.machine = held
        let edited = drifted.handle(.upstreamsObserved([.serving(UpstreamLayout(active: .standby))]), after: .seconds(12))
        #expect(edited.messageKinds == [.upstreamReadable, .runbookFailed], "a file that changed meanwhile waits for an operator")
        #expect(drifted.machine.phase == .stuck(.reconcileFailed("lb0 serves standby but Vigil last wrote primary")))
    }

    @Test func aHostIsSaidUnreachableAfterTwoFailedChecksAndClearedWhenItAnswers() {
        var scenario = Scenario(.fixture { $0.hosts = ["lb0"] })
        let started = scenario.handle(.started)
        guard let generation = scenario.machine.state.timers.hostCheck else {
            Issue.record("no host check scheduled: \(started)")
            return
        }
        #expect(started.contains(.schedule(.hostCheck(generation: generation), after: .seconds(60))))
        #expect(scenario.handle(.timerFired(.hostCheck(generation: generation)), after: .seconds(60)).contains(.checkHosts))
        #expect(scenario.handle(.hostChecked("lb0", problem: "connection refused")).messageKinds.isEmpty, "one lost round trip wakes nobody")
        let second = scenario.handle(.hostChecked("lb0", problem: "connection refused"))
        #expect(second.messageKinds == [.hostUnreachable])
        #expect(second.messages.first?.reason == "lb0 unreachable (connection refused): a failover now would fail")
        #expect(scenario.machine.unprotectedReasons == ["unreachable: lb0: connection refused"])
        #expect(scenario.handle(.hostChecked("lb0", problem: "connection refused")).messageKinds.isEmpty)
        #expect(scenario.handle(.hostChecked("lb0", problem: nil)).messageKinds == [.hostReachable])
        #expect(scenario.machine.isProtected)
        var off = Scenario(
            .fixture {
                $0.hosts = ["lb0"]
                $0.hostCheckInterval = nil
            })
        #expect(off.handle(.started).timers.allSatisfy { if case .hostCheck = $0 { false } else { true } })
    }
}
