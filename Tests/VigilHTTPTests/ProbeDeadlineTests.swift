import Testing
import VigilCore
import VigilHTTP
import VigilLab

/// Each deadline is enforced: the call returns within it plus a generous margin, and says which
/// phase it was stuck in. These check enforcement, not speed.
@Suite struct ProbeDeadlineTests {
    let engine = HTTPEngine.shared
    let margin = Duration.seconds(2)

    private func timed(_ probe: HealthProbe) async -> (ProbeOutcome, Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = await engine.probe(probe)
        return (outcome, start.duration(to: clock.now))
    }

    @Test func aConnectThatNeverCompletesTimesOutInTheConnectPhase() async throws {
        try await withLabServer({ try LabBlackhole() }) { blackhole in
            let (outcome, elapsed) = await timed(HealthProbe(url: blackhole.url, connectTimeout: .milliseconds(500), timeout: .seconds(5)))
            #expect(outcome == .failed(.timeout(.connect)))
            #expect(elapsed >= .milliseconds(450))
            #expect(elapsed < .milliseconds(500) + margin)
        }
    }

    @Test func aServerThatNeverAnswersTimesOutWaitingForTheFirstByte() async throws {
        try await withLabServer({ try await LabHTTPBackend.start(name: "primary", mode: .hang) }) { backend in
            let (outcome, elapsed) = await timed(HealthProbe(url: backend.healthURL, timeout: .milliseconds(700)))
            #expect(outcome == .failed(.timeout(.firstByte)))
            #expect(elapsed >= .milliseconds(650))
            #expect(elapsed < .milliseconds(700) + margin)
        }
    }

    @Test func aBodyThatNeverEndsTimesOutInTheBodyPhase() async throws {
        try await withLabServer({ try await LabHTTPBackend.start(name: "primary", mode: .drip) }) { backend in
            let probe = HealthProbe(url: backend.healthURL, timeout: .milliseconds(500))
            let (outcome, elapsed) = await timed(probe)
            #expect(outcome == .failed(.timeout(.body)))
            #expect(elapsed < .milliseconds(500) + margin)
        }
    }

    @Test func aSlowServerTimesOutAtTheTotalDeadline() async throws {
        try await withLabServer({ try await LabHTTPBackend.start(name: "primary", mode: .slow(.seconds(5))) }) { backend in
            let (outcome, elapsed) = await timed(HealthProbe(url: backend.healthURL, timeout: .milliseconds(400)))
            #expect(outcome == .failed(.timeout(.firstByte)))
            #expect(elapsed < .milliseconds(400) + margin)
        }
    }
}
