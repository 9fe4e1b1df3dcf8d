import Testing

@testable import VigilCore

/// A stuck runbook is tried again as its cause allows: on the host's first answer, with backoff,
/// or every `retry_interval`; and a retry that fails the same way is not said again.
@Suite struct RetryPlanTests {
    /// A failover stuck at its switch because lb0 refused the connection.
    static func stuckOnAnUnreachableLoadBalancer(_ config: ServiceConfig = .fixture()) -> (Scenario, [Effect]) {
        var scenario = Scenario(config)
        scenario.failPrimary()
        scenario.finishStep()  // start
        scenario.passGate()
        var effects = scenario.finishStep(.failedOnHost("upload failed on lb0: connection refused", host: "lb0", kind: .connectionRefused))
        effects += scenario.finishStep()  // the rollback
        return (scenario, effects)
    }

    @Test func anUnreachableHostIsWatchedAndTheRunbookRetriedOnItsFirstAnswer() {
        var (scenario, stuck) = Self.stuckOnAnUnreachableLoadBalancer()
        guard case .stuck(.runbookFailed) = scenario.machine.phase else {
            Issue.record("\(scenario.machine.phase)")
            return
        }
        #expect(stuck.contains(.watchHost("lb0")))
        #expect(stuck.messages.last?.reason.contains("Vigil retries as soon as lb0 answers") == true, "\(stuck.messages)")
        let answered = scenario.handle(.hostChecked("lb0", problem: nil), after: .seconds(1))
        #expect(scenario.machine.phase.isRunningRunbook && scenario.machine.state.runbook?.attempt == 2)
        #expect(scenario.step == .gate(.standby), "the new attempt starts at once, gated again: \(answered)")
    }

    @Test func withRetriesOffTheAnswerIsSaidAndNothingIsRetried() {
        var (scenario, stuck) = Self.stuckOnAnUnreachableLoadBalancer(.fixture { $0.runbook.retryInterval = nil })
        #expect(stuck.contains(.watchHost("lb0")))
        #expect(!stuck.timers.contains { if case .retry = $0 { true } else { false } })
        let answered = scenario.handle(.hostChecked("lb0", problem: nil), after: .seconds(1))
        #expect(answered.runs.isEmpty)
        #expect(answered.messages.map(\.reason) == ["lb0 answers again; `vigil retry` finishes the failover"])
        #expect(scenario.handle(.hostChecked("lb0", problem: nil), after: .seconds(1)).messageKinds.isEmpty, "said once")
    }

    @Test func aStepDeadlineBacksOffFromTwoSecondsAndARepeatedFailureIsNotSaidAgain() {
        var scenario = Scenario()
        scenario.failPrimary()
        var delays: [Duration] = []
        var said = 0
        for _ in 0..<4 {
            guard let deadline = scenario.machine.state.timers.stepDeadline else { break }
            let effects = scenario.handle(.timerFired(.stepDeadline(generation: deadline)), after: .seconds(30))
            said += effects.messageKinds.filter { $0 == .runbookFailed }.count
            let retries = effects.compactMap { effect -> (Int, Duration)? in
                if case .schedule(.retry(let generation), let after) = effect { (generation, after) } else { nil }
            }
            guard let (retry, delay) = retries.first else { break }
            delays.append(delay)
            scenario.handle(.timerFired(.retry(generation: retry)), after: delay)
        }
        #expect(said == 1, "the start step failing the same way is said once")
        #expect(delays.count == 4)
        for (round, delay) in delays.enumerated() {
            let base = Duration.seconds(2) * (1 << round)
            #expect(delay <= base && delay >= base * 0.8, "attempt \(round + 1): \(delay)")
        }
    }

    @Test func aCauseThatCannotClearByItselfKeepsTheRetryInterval() {
        var scenario = Scenario()
        scenario.failPrimary()
        let effects = scenario.finishStep(.failedOnHost("start: host key mismatch", host: "standby host", kind: .hostKeyMismatch))
        #expect(effects.contains { if case .schedule(.retry, let after) = $0 { after == .seconds(60) } else { false } })
        #expect(!effects.contains { if case .watchHost = $0 { true } else { false } })
        #expect(effects.messages.last?.reason.contains("Vigil retries every 1m") == true, "\(effects.messages)")
    }

    @Test func eachKindOfHostFailureHasItsPlan() {
        #expect(RemoteFailureKind.connectTimeout.retryPlan(host: "lb1") == .watchHost("lb1"))
        #expect(RemoteFailureKind.sessionLost.retryPlan(host: "lb1") == .watchHost("lb1"))
        #expect(RemoteFailureKind.commandTimedOut.retryPlan(host: "lb1") == .backoff)
        #expect(RemoteFailureKind.authenticationFailed.retryPlan(host: "lb1") == .fixed)
        #expect(RemoteFailureKind.hostKeyMismatch.retryPlan(host: "lb1") == .fixed)
    }
}
