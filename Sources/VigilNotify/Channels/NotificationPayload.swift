import Foundation
import VigilCore

/// The exact bytes each channel kind is sent: JSON with sorted keys (or, for email, the whole
/// mail), so golden files can hold it. Nothing secret is in it: a PagerDuty routing key is
/// added as it is sent (`DeliveryWorker`), since these bytes wait in the outbox on disk.
public enum NotificationPayload {
    public static let webhookVersion = 1

    public static func body(
        for message: Message, rendered: RenderedMessage, channel: NotificationChannel,
        eventID: String, agentHost: String, time: Date
    ) -> [UInt8] {
        let timestamp = ISO8601DateFormatter().string(from: time)
        switch channel.kind {
        case .slack:
            return json(SlackBody(rendered))
        case .discord:
            return json(DiscordBody(rendered, timestamp: timestamp))
        case .webhook:
            return json(WebhookBody(message, rendered: rendered, eventID: eventID, agentHost: agentHost, time: timestamp))
        case .pagerduty:
            return json(PagerDutyEvent(message, rendered: rendered, eventID: eventID, agentHost: agentHost, time: timestamp))
        case .teams:
            return json(TeamsCard(message, rendered: rendered))
        case .telegram:
            return json(TelegramMessage(rendered, chatID: channel.chatID ?? ""))
        case .email:
            return MailComposer(mail: channel.mail ?? MailSettings(from: "vigil@\(agentHost)", to: []), agentHost: agentHost)
                .compose(message, rendered: rendered, eventID: eventID, time: time)
        }
    }

    static func json(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return [UInt8](try encoder.encode(value))
        } catch {
            preconditionFailure("plain structs of strings always encode: \(error)")
        }
    }

    // MARK: Slack (and Mattermost, which reads the attachment and ignores blocks)

    struct SlackBody: Encodable {
        struct Text: Encodable {
            var type: String
            var text: String
        }
        struct Block: Encodable {
            var type: String
            var text: Text?
            var fields: [Text]?
        }
        struct Attachment: Encodable {
            struct Field: Encodable {
                var title: String
                var value: String
                var short: Bool
            }
            var color: String
            var fallback: String
            var title: String
            var titleLink: String?
            var fields: [Field]

            enum CodingKeys: String, CodingKey {
                case color, fallback, title, fields
                case titleLink = "title_link"
            }
        }
        var text: String
        var blocks: [Block]
        var attachments: [Attachment]

        init(_ message: RenderedMessage) {
            text = "\(message.title): \(message.text)"
            var blocks = [
                Block(type: "header", text: Text(type: "plain_text", text: String(message.title.prefix(150))), fields: nil),
                Block(type: "section", text: Text(type: "mrkdwn", text: message.text), fields: nil),
            ]
            if !message.fields.isEmpty {
                blocks.append(
                    Block(
                        type: "section", text: nil,
                        fields: message.fields.prefix(10).map { Text(type: "mrkdwn", text: "*\($0.name)*\n\($0.value)") }))
            }
            if let link = message.link {
                blocks.append(Block(type: "section", text: Text(type: "mrkdwn", text: "<\(link)|Status page>"), fields: nil))
            }
            self.blocks = blocks
            attachments = [
                Attachment(
                    color: message.color, fallback: text, title: message.title, titleLink: message.link,
                    fields: message.fields.map { .init(title: $0.name, value: $0.value, short: $0.value.count < 40) })
            ]
        }
    }

    // MARK: Discord

    struct DiscordBody: Encodable {
        struct Embed: Encodable {
            struct Field: Encodable {
                var name: String
                var value: String
                var inline: Bool
            }
            var title: String
            var description: String
            var color: Int
            var url: String?
            var fields: [Field]
            var timestamp: String
        }
        var content: String
        var embeds: [Embed]

        init(_ message: RenderedMessage, timestamp: String) {
            content = message.title
            embeds = [
                Embed(
                    title: String(message.title.prefix(256)), description: message.text,
                    color: Int(message.color.dropFirst(), radix: 16) ?? 0, url: message.link,
                    fields: message.fields.prefix(25).map {
                        .init(
                            name: $0.name, value: String($0.value.prefix(1_024)),
                            inline: $0.value.count < 40)
                    },
                    timestamp: timestamp)
            ]
        }
    }

    // MARK: Vigil's own webhook, version 1 (docs/webhooks.md)

    struct WebhookBody: Encodable {
        struct IncidentBody: Encodable {
            struct Step: Encodable {
                var at: Double
                var event: String
            }
            var id: String
            var kind: String
            var from: String
            var to: String
            var cause: String
            var requestedBy: String?
            var gateSkipped: Bool
            var timeToRecoverSeconds: Double?
            var recoveryTimeObjectiveSeconds: Double?
            /// Who acknowledged it (`vigil ack`), and when (seconds after it opened).
            var acknowledgedBy: String?
            var acknowledgedAt: Double?
            var timeline: [Step]
        }
        var version: Int
        var eventId: String
        var kind: String
        var service: String
        var from: String?
        var to: String?
        var reason: String
        var title: String
        var text: String
        var incident: IncidentBody?
        var agentHost: String
        var time: String

        init(_ message: Message, rendered: RenderedMessage, eventID: String, agentHost: String, time: String) {
            version = NotificationPayload.webhookVersion
            eventId = eventID
            kind = message.kind.rawValue
            service = message.service
            from = message.from?.rawValue
            to = message.to?.rawValue
            reason = message.reason
            title = rendered.title
            text = rendered.text
            self.agentHost = agentHost
            self.time = time
            incident = message.incident.map { incident in
                IncidentBody(
                    id: incident.id, kind: incident.kind.rawValue, from: incident.from.rawValue, to: incident.to.rawValue,
                    cause: incident.cause, requestedBy: incident.requestedBy, gateSkipped: incident.gateSkipped,
                    timeToRecoverSeconds: incident.timeToRecover?.secondsValue,
                    recoveryTimeObjectiveSeconds: incident.recoveryTimeObjective?.secondsValue,
                    acknowledgedBy: incident.acknowledged?.by, acknowledgedAt: incident.acknowledged.map { ($0.at - incident.openedAt).secondsValue },
                    timeline: incident.timeline.map { .init(at: ($0.at - incident.openedAt).secondsValue, event: $0.what.description) })
            }
        }

    }
}
