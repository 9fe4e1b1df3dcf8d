import Testing
import VigilCore

/// The words the core gives its values: one wording of each failed check, of phases and of
/// stuck reasons, used by every message, page and log line.
@Suite struct WordingTests {
    @Test func everyFailedCheckHasItsOneWording() {
        let cases: [(ProbeFailure, String)] = [
            (.refused, "connection refused"),
            (.timeout(.connect), "timed out connecting"),
            (.timeout(.tlsHandshake), "timed out in the TLS handshake"),
            (.timeout(.firstByte), "timed out waiting for the answer"),
            (.timeout(.body), "timed out reading the body"),
            (.nameResolution("no such host"), "name resolution failed: no such host"),
            (.tls("certificate expired"), "TLS failed: certificate expired"),
            (.invalidResponse("HTTP/0.9"), "not a valid HTTP response: HTTP/0.9"),
            (.status(503), "HTTP 503"),
            (.bodyMismatch("ok"), "body mismatch: expected ok"),
            (.tooSlow(total: .milliseconds(1_250), ceiling: .seconds(1)), "too slow: 1250ms, over the ceiling of 1s"),
            (.tooLarge(limit: 65_536), "body larger than 65536 bytes"),
            (.other(code: 56, message: "recv failure"), "transport error 56: recv failure"),
            (.local("out of memory"), "could not be run on this host: out of memory"),
        ]
        for (failure, words) in cases { #expect(failure.description == words) }
        #expect(ProbeOutcome.failed(.refused).description == "connection refused")
        #expect(ProbeOutcome.healthy(ProbeTimings()).description == "ok")
    }

    @Test func phasesHaveANameAndSayWhetherARunbookRuns() {
        let step = RunbookStep.start(.standby)
        let phases: [(Phase, PhaseName, Bool, String)] = [
            (.primaryActive, .primaryActive, false, "primaryActive"),
            (.failingOver(step), .failingOver, true, "failingOver: start standby"),
            (.secondaryActive, .secondaryActive, false, "secondaryActive"),
            (.failingBack(.gate(.primary)), .failingBack, true, "failingBack: health gate of primary"),
            (.stuck(.flapBudgetExhausted), .stuck, false, "stuck: too many automatic runbooks; `vigil rearm` re-arms them"),
            (.paused, .paused, false, "paused"),
            (.drilling(.hold(.standby)), .drilling, true, "drilling: hold on standby"),
        ]
        for (phase, name, running, words) in phases {
            #expect(phase.name == name)
            #expect(phase.isRunningRunbook == running)
            #expect(phase.description == words)
        }
        #expect(Set(phases.map(\.1)) == Set(PhaseName.allCases), "every name is reachable")
    }

    @Test func stuckReasonsSayWhatHappened() {
        let failed = StuckReason.runbookFailed(step: .start(.standby), cause: "exit 1", trafficMoved: false)
        #expect(failed.description == "start standby failed: exit 1 (traffic had not moved)")
        #expect(StuckReason.runbookFailed(step: .start(.standby), cause: "x", trafficMoved: true).description.hasSuffix("(traffic had moved)"))
        #expect(StuckReason.reconcileFailed("lb1 serves neither").description == "lb1 serves neither")
    }

    @Test func controlCharactersAreWrittenOut() {
        #expect("drill\nFORGED\r\tend\u{0}\u{7F}\u{85}\u{2028}é".escapingControlCharacters == #"drill\nFORGED\r\tend\u{0}\u{7f}\u{85}\u{2028}é"#)
        #expect("plain words".escapingControlCharacters == "plain words")
    }

    @Test func aFailbackPolicyKeepsItsKindWithAnotherDelay() {
        #expect(FailbackPolicy.manual(after: .seconds(1)).delayed(.seconds(9)) == .manual(after: .seconds(9)))
        #expect(FailbackPolicy.automatic(after: .seconds(1)).delayed(.seconds(9)) == .automatic(after: .seconds(9)))
        #expect(FailbackPolicy.never.delayed(.seconds(9)) == .never)
        #expect(FailbackPolicy.default == .manual(after: FailbackPolicy.defaultDelay))
    }
}
