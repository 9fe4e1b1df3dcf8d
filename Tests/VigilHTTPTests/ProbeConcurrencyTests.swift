import Synchronization
import Testing
import VigilCore
import VigilHTTP
import VigilLab

@Suite struct ProbeConcurrencyTests {
    @Test func manySequentialProbesReuseFewConnections() async throws {
        try await withLabServer({ try await LabHTTPBackend.start(name: "primary") }) { backend in
            let engine = HTTPEngine.shared
            for _ in 0..<50 {
                #expect(await engine.probe(HealthProbe(url: backend.healthURL)).isHealthy)
            }
            #expect(backend.healthRequestsReceived == 50)
            #expect(backend.connectionsAccepted <= 2, "50 probes opened \(backend.connectionsAccepted) connections")
        }
    }

    @Test func concurrentProbesAllComplete() async throws {
        try await withLabServer({ try await LabHTTPBackend.start(name: "primary") }) { backend in
            let engine = HTTPEngine.shared
            var healthy = 0
            for _ in 0..<4 {
                healthy += await withTaskGroup(of: Bool.self) { group in
                    for _ in 0..<50 {
                        group.addTask { await engine.probe(HealthProbe(url: backend.healthURL, timeout: .seconds(10))).isHealthy }
                    }
                    return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
                }
            }
            #expect(healthy == 200)
            #expect(
                backend.connectionsAccepted <= 60,
                "four waves of 50 concurrent probes opened \(backend.connectionsAccepted) connections; later waves reuse them")
        }
    }

    @Test func aHungProbeDoesNotDelayAHealthyOne() async throws {
        try await withLabServer({ try await LabHTTPBackend.start(name: "hung", mode: .hang) }) { hung in
            try await withLabServer({ try await LabHTTPBackend.start(name: "healthy") }) { healthy in
                let engine = HTTPEngine.shared
                let hungFinished = Atomic<Bool>(false)
                let hungProbe = Task {
                    let outcome = await engine.probe(HealthProbe(url: hung.healthURL, timeout: .seconds(10)))
                    hungFinished.store(true, ordering: .relaxed)
                    return outcome
                }
                try await LabWait.until("the hung probe to reach the backend") { hung.requestsReceived == 1 }
                let clock = ContinuousClock()
                let start = clock.now
                #expect(await engine.probe(HealthProbe(url: healthy.healthURL)).isHealthy)
                // Generous: a loaded CI machine is slow, but nowhere near the hung probe's 10 s.
                #expect(start.duration(to: clock.now) < .seconds(5))
                let hungDone = hungFinished.load(ordering: .relaxed)
                #expect(!hungDone, "the healthy probe finished while the hung one still waits")
                #expect(await hungProbe.value == .failed(.timeout(.firstByte)))
            }
        }
    }

    @Test func cancellingAProbeEndsItEarly() async throws {
        try await withLabServer({ try await LabHTTPBackend.start(name: "hung", mode: .hang) }) { hung in
            let engine = HTTPEngine.shared
            let clock = ContinuousClock()
            let start = clock.now
            let probe = Task { await engine.probe(HealthProbe(url: hung.healthURL, timeout: .seconds(30))) }
            try await LabWait.until("the probe to reach the backend") { hung.requestsReceived == 1 }
            probe.cancel()
            let outcome = await probe.value
            #expect(!outcome.isHealthy)
            #expect(start.duration(to: clock.now) < .seconds(10))
        }
    }
}

@Suite struct FreshConnectionTests {
    @Test func aFreshConnectionProbeOpensAndClosesItsOwnConnection() async throws {
        try await withLabServer({ try await LabHTTPBackend.start(name: "primary") }) { backend in
            for _ in 0..<3 {
                #expect(await HTTPEngine.shared.probe(HealthProbe(url: backend.healthURL, freshConnection: true)).isHealthy)
            }
            #expect(backend.connectionsAccepted == 3)
        }
    }
}
