import Testing
import VigilCore
import VigilHTTP
import VigilLab

@Suite struct LabBackendTests {
    @Test func healthModesParseAndPrintTheSameWay() {
        for text in ["ok", "status:503", "refuse", "hang", "slow:800ms", "flaky:0.2:42", "garbage", "huge", "drip"] {
            #expect(HealthMode(text)?.description == text)
        }
        #expect(HealthMode("flaky:0.2") == .flaky(probability: 0.2, seed: 1))
        for bad in ["", "status", "status:99", "slow:fast", "flaky:1.5", "nope", "ok:1"] {
            #expect(HealthMode(bad) == nil, "\(bad)")
        }
    }

    @Test func aFlakyBackendFailsAtTheGivenRateAndReplaysItsSequenceFromTheSeed() async throws {
        func run(seed: UInt64) async throws -> [Bool] {
            try await withLabServer({ try await LabHTTPBackend.start(name: "flaky", mode: .flaky(probability: 0.2, seed: seed)) }) { backend in
                var results: [Bool] = []
                for _ in 0..<200 { results.append(await HTTPEngine.shared.probe(HealthProbe(url: backend.healthURL)).isHealthy) }
                let page = await HTTPEngine.shared.probe(HealthProbe(url: backend.url + "/"))
                #expect(page.isHealthy, "only /health is flaky; the service itself is fine")
                return results
            }
        }
        let first = try await run(seed: 42)
        let again = try await run(seed: 42)
        #expect(first == again)
        let failures = first.filter { !$0 }.count
        #expect((20...60).contains(failures), "about 40 of 200 expected, got \(failures)")
    }

    @Test func theWebhookReceiverAnswersAsScriptedThenByDefault() async throws {
        try await withLabServer({ try await LabWebhookReceiver.start() }) { receiver in
            receiver.enqueue(.status(500), .hang)
            let engine = HTTPEngine.shared
            #expect(try await engine.post(url: receiver.url(), body: [1]).get().status == 500)
            let hung = await engine.post(url: receiver.url(), body: [2], timeout: .milliseconds(300))
            #expect((try? hung.get()) == nil)
            #expect(try await engine.post(url: receiver.url(), body: [3]).get().status == 200)
            let requests = try await receiver.waitForRequests(3)
            #expect(requests.map(\.body) == [[1], [2], [3]])
            #expect(requests.map(\.reply) == [.status(500), .hang, .ok])
        }
    }
}
