import Foundation
import Testing
import VigilCore
import VigilLab
import VigilNotify

/// A public channel says the communication plan's words, by the service's display name, for an
/// incident's alert, update and resolution and for planned maintenance; nothing else reaches it.
@Suite struct PublicWordingTests {
    static let canary = "canary-4e1f90aa"

    @Test func aPublicChannelGetsThePlansWordsAndOnlyThose() async throws {
        let harness = try NotifierHarness(canary: Self.canary)
        try await withLabServer({ try await LabWebhookReceiver.start() }) { receiver in
            var channel = NotificationChannel(name: "users", kind: .slack, url: Secret(receiver.url(path: "/users")))
            channel.audience = .public
            channel.statusPageURL = "https://status.example.com/"
            let wording = PublicWording(
                organization: "REChain DAO", services: ["shop": .init(displayName: "Checkout", updateInterval: .seconds(1_800))])
            let notifier = try Notifier(
                stateDirectory: harness.state.path, channels: [channel], policy: .fast, agentHost: "lb-1", publicWording: wording,
                logger: harness.recorder.logger())
            notifier.start()
            for kind in MessageKind.allCases {
                var message = NotificationFixtures.message(kind)
                message.reason = "\(Self.canary) \(message.reason)"
                try notifier.enqueue(message, to: ["users"])
            }
            let requests = try await receiver.waitForRequests(7)
            try await LabWait.until("the outbox to empty") { notifier.pendingCount(channel: "users") == 0 }
            #expect(receiver.requests.count == 7, "only the public kinds")
            let texts = requests.map(\.bodyText)
            #expect(texts.allSatisfy { !$0.contains(Self.canary) && !$0.contains("shop-7") && !$0.contains("primary") })
            let slack = try requests.map { try #require(try JSONSerialization.jsonObject(with: Data($0.body)) as? [String: Any])["text"] as? String }
            #expect(
                slack.first
                    == "REChain DAO Incident Alert: We are currently experiencing a technical issue that may affect Checkout. We are working "
                    + "to resolve this as quickly as possible. Updates will be provided every 30 minutes.")
            #expect(slack.contains { $0?.hasPrefix("REChain DAO Incident Update: Update on the ongoing incident: Status:") == true })
            #expect(
                slack.contains {
                    $0 == "REChain DAO Incident Resolved: The incident has been resolved and all services are operating normally. "
                        + "We apologize for any inconvenience caused. A post-incident report will be available within 24 hours."
                })
            #expect(slack.contains { $0?.hasPrefix("REChain DAO Planned Maintenance: Planned maintenance of Checkout has begun.") == true })
            #expect(await notifier.sendTest(to: ["users"], at: .zero).first?.delivered == true, "a public channel can be tested")
            await harness.finish(notifier)
        }
    }
}
