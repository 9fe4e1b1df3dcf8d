import Testing
import VigilCore
import VigilHTTP
import VigilLab

/// The POST that webhook delivery builds on, against the lab's receiver.
@Suite struct WebhookPostTests {
    let engine = HTTPEngine.shared
    let payload = Array(#"{"kind":"incident.started","service":"shop"}"#.utf8)

    @Test func aPostDeliversTheBodyAndHeadersAndReturnsTheStatus() async throws {
        try await withLabServer({ try await LabWebhookReceiver.start() }) { receiver in
            let result = await engine.post(
                url: receiver.url(path: "/hooks/abc"), body: payload,
                headers: [("Content-Type", "application/json"), ("X-Vigil-Event", "e-1")])
            let response = try result.get()
            #expect(response.status == 200)
            #expect(response.retryAfter == nil)
            #expect(String(decoding: response.bodyPrefix, as: UTF8.self).contains("\"ok\":true"))
            let requests = try await receiver.waitForRequests(1)
            #expect(requests[0].method == "POST")
            #expect(requests[0].path == "/hooks/abc")
            #expect(requests[0].body == payload)
            #expect(requests[0].headers["x-vigil-event"] == "e-1")
            #expect(requests[0].headers["content-type"] == "application/json")
        }
    }

    @Test func errorStatusesAreResponsesAndRetryAfterIsParsed() async throws {
        try await withLabServer({ try await LabWebhookReceiver.start() }) { receiver in
            receiver.enqueue(.status(500), .tooManyRequests(retryAfterSeconds: 2))
            let first = try await engine.post(url: receiver.url(), body: payload).get()
            #expect(first.status == 500)
            let second = try await engine.post(url: receiver.url(), body: payload).get()
            #expect(second.status == 429)
            #expect(second.retryAfter == .seconds(2))
            let third = try await engine.post(url: receiver.url(), body: payload).get()
            #expect(third.status == 200)
        }
    }

    @Test func aHangingReceiverTimesOutWithThePeerButNotTheSecretPath() async throws {
        try await withLabServer({ try await LabWebhookReceiver.start() }) { receiver in
            receiver.setDefault(.hang)
            let secretPath = "/services/T000/B000/canary-5ecret-0f-the-webhook"
            let clock = ContinuousClock()
            let start = clock.now
            let result = await engine.post(url: receiver.url(path: secretPath), body: payload, timeout: .milliseconds(500))
            #expect(start.duration(to: clock.now) < .seconds(3))
            guard case .failure(let error) = result else {
                Issue.record("expected a timeout, got \(result)")
                return
            }
            #expect(error.failure == .timeout(.firstByte))
            #expect(error.peer == "127.0.0.1:\(receiver.port)")
            #expect(!error.description.contains("canary"))
            #expect(!String(describing: error).contains("5ecret"))
        }
    }

    @Test func aRefusedPostNamesThePeerOnly() async throws {
        let closed = try LabClosedPort()
        defer { closed.stop() }
        let result = await engine.post(url: "http://127.0.0.1:\(closed.port)/secret-canary-path?token=canary", body: payload)
        guard case .failure(let error) = result else {
            Issue.record("expected refused, got \(result)")
            return
        }
        #expect(error.failure == .refused)
        #expect(!error.description.contains("canary"))
    }
}
