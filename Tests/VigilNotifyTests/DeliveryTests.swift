import Foundation
import Testing
import VigilCore
import VigilLab
import VigilNotify

/// The outbox and its workers against the lab's webhook receiver. Every test uses a canary URL
/// path, header and signing secret, records every log line at trace level, and checks that the
/// canary appears in none of them.
@Suite struct DeliveryTests {
    static let canary = "canary-9c1e5ab7"
    let harness: NotifierHarness
    var recorder: LogRecorder { harness.recorder }
    var state: LabFolder { harness.state }

    init() throws { harness = try NotifierHarness(canary: Self.canary) }

    private func channel(_ receiver: LabWebhookReceiver) -> NotificationChannel {
        NotificationChannel(
            name: "ops", kind: .webhook, url: Secret(receiver.url(path: "/hooks/\(Self.canary)")),
            headers: [("X-Token", Secret("token-\(Self.canary)"))],
            signingSecret: Secret("secret-\(Self.canary)"))
    }

    private func notifier(_ receiver: LabWebhookReceiver, policy: DeliveryPolicy = .fast) throws -> Notifier {
        try harness.notifier([channel(receiver)], policy: policy)
    }

    private func message(_ number: Int = 1) -> Message {
        Message(kind: .standbyUnhealthy, service: "shop", from: .standby, reason: "check \(number) failed", at: .seconds(Double(number)))
    }

    private func finish(_ notifier: Notifier) async { await harness.finish(notifier) }

    private func okCount(_ requests: [RecordedRequest], event: String) -> Int {
        requests.filter { $0.headers["x-vigil-event-id"] == event && $0.reply == .ok }.count
    }

    @Test func aMessageIsDeliveredOnceSignedAndLeavesTheOutbox() async throws {
        try await withLabServer({ try await LabWebhookReceiver.start() }) { receiver in
            let notifier = try notifier(receiver)
            notifier.start()
            let event = try notifier.enqueue(message(), to: ["ops"])
            let request = try await receiver.waitForRequests(1)[0]
            #expect(request.path == "/hooks/\(Self.canary)")
            #expect(request.headers["x-token"] == "token-\(Self.canary)")
            #expect(request.headers["x-vigil-event-id"] == event)
            let signature = try #require(request.headers["x-vigil-signature"])
            #expect(
                WebhookSignature.verify(
                    signature, body: request.body, secret: Secret("secret-\(Self.canary)"),
                    now: Int(Date().timeIntervalSince1970)))
            let body = try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
            #expect(body?["eventId"] as? String == event)
            #expect(body?["kind"] as? String == "standbyUnhealthy")
            try await LabWait.until("the outbox to empty") { notifier.pendingCount(channel: "ops") == 0 }
            await finish(notifier)
        }
    }

    @Test func aServerErrorIsRetriedAndTheMessageDeliveredOnce() async throws {
        try await withLabServer({ try await LabWebhookReceiver.start() }) { receiver in
            receiver.enqueue(.status(500))
            let notifier = try notifier(receiver)
            notifier.start()
            let event = try notifier.enqueue(message(), to: ["ops"])
            let requests = try await receiver.waitForRequests(2)
            #expect(requests.map(\.reply) == [.status(500), .ok])
            #expect(okCount(requests, event: event) == 1)
            try await LabWait.until("the outbox to empty") { notifier.pendingCount(channel: "ops") == 0 }
            #expect(recorder.all.contains { $0.contains("HTTP 500") }, "the failed attempt is logged")
            await finish(notifier)
        }
    }

    @Test func tooManyRequestsWaitsForRetryAfter() async throws {
        try await withLabServer({ try await LabWebhookReceiver.start() }) { receiver in
            receiver.enqueue(.tooManyRequests(retryAfterSeconds: 2))
            let notifier = try notifier(receiver)
            notifier.start()
            try notifier.enqueue(message(), to: ["ops"])
            let requests = try await receiver.waitForRequests(2, timeout: .seconds(15))
            let waited = requests[0].receivedAt.duration(to: requests[1].receivedAt)
            #expect(waited >= .seconds(2), "the retry came after \(waited)")
            #expect(requests[1].reply == .ok)
            await finish(notifier)
        }
    }

    @Test func aHangingReceiverNeitherBlocksEnqueueingNorLosesTheMessage() async throws {
        try await withLabServer({ try await LabWebhookReceiver.start() }) { receiver in
            receiver.setDefault(.hang)
            var policy = DeliveryPolicy.fast
            policy.requestTimeout = .milliseconds(500)
            let notifier = try notifier(receiver, policy: policy)
            notifier.start()
            _ = try notifier.enqueue(message(1), to: ["ops"])
            _ = try await receiver.waitForRequests(1)
            let clock = ContinuousClock()
            let start = clock.now
            let event = try notifier.enqueue(message(2), to: ["ops"])
            #expect(start.duration(to: clock.now) < .milliseconds(300), "enqueueing returns at once while the receiver hangs")
            receiver.setDefault(.ok)
            try await LabWait.until("both messages delivered", timeout: .seconds(15)) { notifier.pendingCount(channel: "ops") == 0 }
            #expect(okCount(receiver.requests, event: event) == 1)
            await finish(notifier)
        }
    }

    @Test func aBurstIsDeliveredInOrderAtMostOneASecond() async throws {
        try await withLabServer({ try await LabWebhookReceiver.start() }) { receiver in
            var policy = DeliveryPolicy.fast
            policy.minimumSpacing = .seconds(1)
            let notifier = try notifier(receiver, policy: policy)
            notifier.start()
            var events: [String] = []
            for number in 1...10 { events.append(try notifier.enqueue(message(number), to: ["ops"])) }
            let requests = try await receiver.waitForRequests(10, timeout: .seconds(60))
            #expect(requests.map { $0.headers["x-vigil-event-id"] ?? "" } == events)
            for (earlier, later) in zip(requests, requests.dropFirst()) {
                let gap = earlier.receivedAt.duration(to: later.receivedAt)
                #expect(gap >= .seconds(1), "two messages \(gap) apart")
            }
            await finish(notifier)
        }
    }

    @Test func messagesPendingAtStopAreDeliveredOnceAfterARestart() async throws {
        try await withLabServer({ try await LabWebhookReceiver.start() }) { receiver in
            receiver.setDefault(.status(503))
            let first = try notifier(receiver)
            first.start()
            var events: [String] = []
            for number in 1...3 { events.append(try first.enqueue(message(number), to: ["ops"])) }
            _ = try await receiver.waitForRequests(1)
            await first.stop()
            #expect(first.pendingCount(channel: "ops") == 3)

            receiver.setDefault(.ok)
            let second = try notifier(receiver)
            second.start()
            try await LabWait.until("the outbox to empty", timeout: .seconds(15)) { second.pendingCount(channel: "ops") == 0 }
            for event in events { #expect(okCount(receiver.requests, event: event) == 1, "\(event)") }
            await finish(second)
        }
    }

    @Test func aRefusedMessageIsDroppedWithALogLineAndAnOldOneIsGivenUp() async throws {
        try await withLabServer({ try await LabWebhookReceiver.start() }) { receiver in
            receiver.enqueue(.status(400))
            var policy = DeliveryPolicy.fast
            policy.maximumAge = .seconds(3_600)
            let notifier = try notifier(receiver, policy: policy)
            notifier.start()
            try notifier.enqueue(message(1), to: ["ops"])
            try notifier.enqueue(message(2), to: ["ops"], at: Date(timeIntervalSinceNow: -7_200))
            try await LabWait.until("the outbox to empty") { notifier.pendingCount(channel: "ops") == 0 }
            #expect(receiver.requests.count == 1, "the old message is never sent")
            #expect(recorder.all.contains { $0.contains("HTTP 400") })
            #expect(recorder.all.contains { $0.contains("giving up") })
            await finish(notifier)
        }
    }

    @Test func theDocumentedVerificationRejectsAWrongSecretATamperedBodyAndAReplay() throws {
        let body = Array(#"{"kind":"incidentStarted"}"#.utf8)
        let secret = Secret("secret-\(Self.canary)")
        let now = 1_795_000_000
        let header = WebhookSignature.sign(body, secret: secret, timestamp: now)
        #expect(WebhookSignature.verify(header, body: body, secret: secret, now: now + 10))
        #expect(!WebhookSignature.verify(header, body: body, secret: Secret("wrong secret"), now: now))
        #expect(!WebhookSignature.verify(header, body: body + [32], secret: secret, now: now))
        #expect(!WebhookSignature.verify(header, body: body, secret: secret, now: now + 3_600), "too old: a replay")
        #expect(!header.contains(Self.canary))
        #expect("\(secret)" == "<redacted>")
        #expect(
            String(reflecting: NotificationChannel(name: "x", kind: .slack, url: Secret("https://hooks/\(Self.canary)"))).contains(Self.canary)
                == false)
    }
}

extension DeliveryPolicy {
    /// Quick retries for tests; the spacing stays at its real value where a test measures it.
    static var fast: DeliveryPolicy {
        var policy = DeliveryPolicy()
        policy.minimumSpacing = .milliseconds(100)
        policy.firstRetryDelay = .milliseconds(200)
        policy.maximumRetryDelay = .seconds(1)
        policy.requestTimeout = .seconds(5)
        return policy
    }
}

extension DeliveryTests {
    /// A channel that delivers nothing for its `alarm_after` while messages wait is an alarm: an
    /// error in the log and a message on the other channels; and an all-clear when it delivers.
    @Test func aChannelThatStopsDeliveringIsSaidOnTheOthersAndClearedWhenItDelivers() async throws {
        try await withLabServer({ try await LabWebhookReceiver.start() }) { failing in
            try await withLabServer({ try await LabWebhookReceiver.start() }) { other in
                failing.setDefault(.status(503))
                var broken = NotificationChannel(name: "pager", kind: .webhook, url: Secret(failing.url()))
                broken.alarmAfter = .seconds(2)
                let working = NotificationChannel(name: "ops", kind: .webhook, url: Secret(other.url()))
                let notifier = try Notifier(
                    stateDirectory: state.path, channels: [broken, working], policy: .fast, agentHost: "lb-1",
                    alarmCheckInterval: .milliseconds(200), logger: recorder.logger())
                notifier.start()
                try notifier.enqueue(message(), to: ["pager"])
                let said = try await other.waitForRequests(1, timeout: .seconds(15))
                let body = String(decoding: said[0].body, as: UTF8.self)
                #expect(body.contains("\"kind\":\"channelFailing\"") && body.contains("the channel pager has delivered nothing"), "\(body)")
                #expect(recorder.all.contains { $0.contains("the channel pager has delivered nothing") }, "an error in the log")
                #expect(notifier.outboxes().first { $0.channel == "pager" }?.failing == true)
                failing.setDefault(.ok)
                let cleared = try await other.waitForRequests(2, timeout: .seconds(30))
                #expect(String(decoding: cleared[1].body, as: UTF8.self).contains("\"kind\":\"channelRecovered\""))
                #expect(failing.requests.contains { $0.reply == .ok }, "what waited was delivered")
                await finish(notifier)
            }
        }
    }
}
