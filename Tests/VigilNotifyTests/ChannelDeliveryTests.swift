import Foundation
import Testing
import VigilCore
import VigilLab
import VigilNotify

/// PagerDuty, Teams and Telegram through the outbox to the lab's receiver, posted where and as
/// each API wants; their secrets (routing key, bot token, URL) in no log line and, for the key
/// and token, never in the outbox on disk.
@Suite struct ChannelDeliveryTests {
    static let canary = "canary-51d0c2e4"
    let harness: NotifierHarness
    var state: LabFolder { harness.state }

    init() throws { harness = try NotifierHarness(canary: Self.canary) }

    /// The channel as the config makes it for a receiver at `receiver`: PagerDuty's `api_url`
    /// plus /v2/enqueue, Telegram's plus /bot<token>/sendMessage, Teams' webhook URL as given.
    static func channel(_ kind: ChannelKind, _ receiver: LabWebhookReceiver) -> NotificationChannel {
        switch kind {
        case .pagerduty:
            var channel = NotificationChannel(name: "pager", kind: kind, url: Secret(receiver.url(path: "/v2/enqueue")))
            channel.routingKey = Secret("key-\(canary)")
            return channel
        case .telegram:
            var channel = NotificationChannel(
                name: "telegram", kind: kind, url: Secret(receiver.url(path: "/bot123:\(canary)/sendMessage")))
            channel.chatID = "-1001234567890"
            return channel
        default:
            return NotificationChannel(name: kind.rawValue, kind: kind, url: Secret(receiver.url(path: "/workflows/\(canary)")))
        }
    }

    static let httpKinds: [ChannelKind] = [.pagerduty, .teams, .telegram]

    private func notifier(_ channel: NotificationChannel) throws -> Notifier { try harness.notifier([channel]) }
    private func finish(_ notifier: Notifier) async { await harness.finish(notifier) }

    private func json(_ request: RecordedRequest) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any], "\(request.bodyText)")
    }

    @Test(arguments: httpKinds)
    func aMessageIsPostedWhereTheAPIWantsIt(_ kind: ChannelKind) async throws {
        try await withLabServer({ try await LabWebhookReceiver.start() }) { receiver in
            let channel = Self.channel(kind, receiver)
            let notifier = try notifier(channel)
            notifier.start()
            try notifier.enqueue(NotificationFixtures.message(.incidentStarted), to: [channel.name])
            let request = try await receiver.waitForRequests(1)[0]
            #expect(request.method == "POST" && request.headers["content-type"] == "application/json")
            let body = try json(request)
            switch kind {
            case .pagerduty:
                #expect(request.path == "/v2/enqueue")
                #expect(body["routing_key"] as? String == "key-\(Self.canary)")
                #expect(body["event_action"] as? String == "trigger" && body["dedup_key"] as? String == "vigil/shop/incident/shop-7")
                let payload = try #require(body["payload"] as? [String: Any])
                #expect(payload["severity"] as? String == "critical" && payload["component"] as? String == "shop")
                #expect(payload["source"] as? String == "lb-1")
            case .telegram:
                #expect(request.path == "/bot123:\(Self.canary)/sendMessage")
                #expect(body["chat_id"] as? String == "-1001234567890" && body["parse_mode"] as? String == "HTML")
                #expect((body["text"] as? String)?.hasPrefix("<b>shop: failing over from primary to standby</b>") == true)
            default:
                #expect(request.path == "/workflows/\(Self.canary)")
                let attachments = try #require(body["attachments"] as? [[String: Any]])
                #expect(attachments.first?["contentType"] as? String == "application/vnd.microsoft.card.adaptive")
            }
            try await LabWait.until("the outbox to empty") { notifier.pendingCount(channel: channel.name) == 0 }
            await finish(notifier)
        }
    }

    @Test(arguments: httpKinds)
    func aServerErrorIsRetriedAndARefusalDroppedWithTheReceiversWords(_ kind: ChannelKind) async throws {
        try await withLabServer({ try await LabWebhookReceiver.start() }) { receiver in
            receiver.enqueue(.status(503), .status(400))
            let channel = Self.channel(kind, receiver)
            let notifier = try notifier(channel)
            notifier.start()
            try notifier.enqueue(NotificationFixtures.message(.hostUnreachable), to: [channel.name])
            try notifier.enqueue(NotificationFixtures.message(.hostReachable), to: [channel.name])
            let requests = try await receiver.waitForRequests(3)
            #expect(requests.map(\.reply) == [.status(503), .status(400), .ok])
            #expect(requests[0].body == requests[1].body, "the same message again after the 503")
            #expect(requests[2].body != requests[1].body, "the refused one is dropped, the next goes on")
            try await LabWait.until("the outbox to empty") { notifier.pendingCount(channel: channel.name) == 0 }
            #expect(harness.logged("refused it with HTTP 400: {\"ok\":false}"), "\(harness.recorder.all)")
            await finish(notifier)
        }
    }

    /// The outbox keeps what waits on disk: the routing key and the bot token are not in it.
    @Test(arguments: [ChannelKind.pagerduty, .telegram])
    func theOutboxOnDiskHoldsNoSecret(_ kind: ChannelKind) async throws {
        try await withLabServer({ try await LabWebhookReceiver.start() }) { receiver in
            let channel = Self.channel(kind, receiver)
            let notifier = try notifier(channel)  // not started: the message stays queued
            try notifier.enqueue(NotificationFixtures.message(.runbookFailed), to: [channel.name])
            #expect(notifier.pendingCount(channel: channel.name) == 1)
            let files = try #require(FileManager.default.enumerator(atPath: state.path)?.allObjects as? [String])
            // The entries are JSON with the body in base64: both are read, as stored and decoded.
            var stored = ""
            for file in files {
                guard let data = FileManager.default.contents(atPath: state.file(file)) else { continue }
                stored += String(decoding: data, as: UTF8.self)
                if let entry = try JSONSerialization.jsonObject(with: data) as? [String: Any], let body = entry["body"] as? String {
                    stored += String(decoding: try #require(Data(base64Encoded: body)), as: UTF8.self)
                }
            }
            #expect(stored.contains("shop") && !stored.contains(Self.canary))
            await finish(notifier)
        }
    }

    /// A page per problem: an incident's trigger and its resolve share the incident's key, a
    /// host's unreachable and reachable share theirs; an unpaired record pages on its own.
    @Test func pagesResolveUnderTheKeyTheyWereOpenedWith() throws {
        func event(_ kind: MessageKind, eventID: String = "e1") throws -> [String: Any] {
            var channel = NotificationFixtures.channel(.pagerduty)
            channel.routingKey = Secret("key")
            let message = NotificationFixtures.message(kind)
            let body = NotificationPayload.body(
                for: message, rendered: try MessageRenderer().render(message), channel: channel, eventID: eventID, agentHost: "lb-1",
                time: Date())
            return try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        }
        let opened = try event(.incidentStarted)
        let resolved = try event(.incidentResolved)
        #expect(opened["event_action"] as? String == "trigger" && resolved["event_action"] as? String == "resolve")
        #expect(opened["dedup_key"] as? String == resolved["dedup_key"] as? String)
        #expect(resolved["payload"] == nil, "PagerDuty reads nothing else of a resolve")
        #expect(try event(.hostUnreachable)["dedup_key"] as? String == "vigil/shop/hostUnreachable")
        #expect(try event(.hostReachable)["dedup_key"] as? String == "vigil/shop/hostUnreachable")
        #expect(try event(.hostReachable)["event_action"] as? String == "resolve")
        #expect(try event(.upstreamEdited, eventID: "e9")["dedup_key"] as? String == "vigil/shop/event/e9")
        #expect(opened["routing_key"] == nil, "the key is added as it is sent, not kept")
    }
}
