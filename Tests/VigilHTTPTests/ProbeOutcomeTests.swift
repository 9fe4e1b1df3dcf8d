import Testing
import VigilCore
import VigilHTTP
import VigilLab

/// Every probe outcome, each against a real server on loopback.
@Suite struct ProbeOutcomeTests {
    let engine = HTTPEngine.shared

    @Test func aHealthyBackendIsHealthyWithLibcurlsTimings() async throws {
        try await withLabServer({ try await LabHTTPBackend.start(name: "primary") }) { backend in
            let outcome = await engine.probe(HealthProbe(url: backend.healthURL))
            guard case .healthy(let timings) = outcome else {
                Issue.record("expected healthy, got \(outcome)")
                return
            }
            #expect(timings.total > .zero)
            #expect(timings.firstByte <= timings.total)
            #expect(timings.connect <= timings.firstByte)
        }
    }

    @Test func aClosedPortIsRefused() async throws {
        try await withLabServer({ try await LabHTTPBackend.start(name: "primary", mode: .refuse) }) { backend in
            #expect(await engine.probe(HealthProbe(url: backend.healthURL)) == .failed(.refused))
        }
    }

    @Test func aBackendThatStopsListeningTurnsRefusedAndRecovers() async throws {
        try await withLabServer({ try await LabHTTPBackend.start(name: "primary") }) { backend in
            let probe = HealthProbe(url: backend.healthURL)
            #expect(await engine.probe(probe).isHealthy)
            try await backend.setHealth(.refuse)
            // The first probe may still pick the pooled connection the backend just dropped and
            // see it reset; the next one has nothing to reuse and must be refused.
            let first = await engine.probe(probe)
            #expect(first == .failed(.refused) || first == .failed(.other(code: 56, message: "Recv failure: Connection reset by peer")))
            let second = await engine.probe(probe)
            #expect(second == .failed(.refused))
            try await backend.setHealth(.ok)
            #expect(await engine.probe(probe).isHealthy)
        }
    }

    @Test func anUnexpectedStatusIsNamed() async throws {
        try await withLabServer({ try await LabHTTPBackend.start(name: "primary", mode: .status(503)) }) { backend in
            #expect(await engine.probe(HealthProbe(url: backend.healthURL)) == .failed(.status(503)))
        }
    }

    @Test func expectedStatusesAreConfigurable() async throws {
        try await withLabServer({ try await LabHTTPBackend.start(name: "primary", mode: .status(418)) }) { backend in
            let probe = HealthProbe(url: backend.healthURL, expectedStatuses: [200...299, 418...418])
            #expect(await engine.probe(probe).isHealthy)
        }
    }

    @Test func aBodyWithoutTheExpectedTextIsAMismatch() async throws {
        try await withLabServer({ try await LabHTTPBackend.start(name: "primary") }) { backend in
            let found = HealthProbe(url: backend.healthURL, body: .contains("\"status\":\"ok\""))
            #expect(await engine.probe(found).isHealthy)
            let missing = HealthProbe(url: backend.healthURL, body: .contains("database: up"))
            #expect(await engine.probe(missing) == .failed(.bodyMismatch("body containing \"database: up\"")))
        }
    }

    @Test func aJSONFieldMustEqualTheExpectedValue() async throws {
        try await withLabServer({ try await LabHTTPBackend.start(name: "primary") }) { backend in
            let ok = HealthProbe(url: backend.healthURL, body: .jsonField(path: "status", equals: .string("ok")))
            #expect(await engine.probe(ok).isHealthy)
            let named = HealthProbe(url: backend.healthURL, body: .jsonField(path: "backend", equals: .string("primary")))
            #expect(await engine.probe(named).isHealthy)
            let wrong = HealthProbe(url: backend.healthURL, body: .jsonField(path: "status", equals: .string("down")))
            #expect(await engine.probe(wrong) == .failed(.bodyMismatch("JSON field status == \"down\"")))
            let absent = HealthProbe(url: backend.healthURL, body: .jsonField(path: "checks.db", equals: .bool(true)))
            #expect(await engine.probe(absent) == .failed(.bodyMismatch("JSON field checks.db == true")))
        }
    }

    @Test func theStatusIsJudgedBeforeTheBody() async throws {
        try await withLabServer({ try await LabHTTPBackend.start(name: "primary", mode: .status(500)) }) { backend in
            let probe = HealthProbe(url: backend.healthURL, body: .jsonField(path: "status", equals: .string("ok")))
            #expect(await engine.probe(probe) == .failed(.status(500)))
        }
    }

    @Test func anAnswerSlowerThanTheCeilingIsTooSlow() async throws {
        try await withLabServer({ try await LabHTTPBackend.start(name: "primary", mode: .slow(.milliseconds(300))) }) { backend in
            let probe = HealthProbe(url: backend.healthURL, timeout: .seconds(5), latencyCeiling: .milliseconds(100))
            let outcome = await engine.probe(probe)
            guard case .failed(.tooSlow(let total, let ceiling)) = outcome else {
                Issue.record("expected tooSlow, got \(outcome)")
                return
            }
            #expect(total >= .milliseconds(300))
            #expect(ceiling == .milliseconds(100))
        }
    }

    @Test func anEndlessBodyIsCutAtTheLimitAndReported() async throws {
        try await withLabServer({ try await LabHTTPBackend.start(name: "primary", mode: .huge) }) { backend in
            let clock = ContinuousClock()
            let start = clock.now
            let outcome = await engine.probe(HealthProbe(url: backend.healthURL, timeout: .seconds(10), maxBodyBytes: 64 * 1024))
            #expect(outcome == .failed(.tooLarge(limit: 64 * 1024)))
            #expect(start.duration(to: clock.now) < .seconds(5), "the cut must end the transfer, not the timeout")
        }
    }

    @Test func aPeerThatIsNotHTTPIsAnInvalidResponse() async throws {
        try await withLabServer({ try await LabHTTPBackend.start(name: "primary", mode: .garbage) }) { backend in
            let outcome = await engine.probe(HealthProbe(url: backend.healthURL))
            guard case .failed(.invalidResponse) = outcome else {
                Issue.record("expected invalidResponse, got \(outcome)")
                return
            }
        }
    }
}
