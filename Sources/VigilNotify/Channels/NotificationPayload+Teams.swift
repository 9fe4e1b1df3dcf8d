import VigilCore

extension NotificationPayload {
    /// A Teams Workflows webhook's body: one message with an Adaptive Card (title, text, the
    /// fields as facts, a button to the status page).
    struct TeamsCard: Encodable {
        struct Attachment: Encodable {
            var contentType = "application/vnd.microsoft.card.adaptive"
            var content: Card
        }
        struct Card: Encodable {
            var schema = "http://adaptivecards.io/schemas/adaptive-card.json"
            var type = "AdaptiveCard"
            var version = "1.4"
            var body: [Element]
            var actions: [Action]?

            enum CodingKeys: String, CodingKey {
                case type, version, body, actions
                case schema = "$schema"
            }
        }
        struct Element: Encodable {
            var type: String
            var text: String?
            var weight: String?
            var size: String?
            var color: String?
            var wrap: Bool?
            var facts: [Fact]?
        }
        struct Fact: Encodable {
            var title: String
            var value: String
        }
        struct Action: Encodable {
            var type = "Action.OpenUrl"
            var title: String
            var url: String
        }
        var type = "message"
        var attachments: [Attachment]

        init(_ message: Message, rendered: RenderedMessage) {
            var body = [
                Element(
                    type: "TextBlock", text: rendered.title, weight: "Bolder", size: "Medium", color: Self.color(message.kind.severity),
                    wrap: true),
                Element(type: "TextBlock", text: rendered.text, wrap: true),
            ]
            if !rendered.fields.isEmpty {
                body.append(Element(type: "FactSet", facts: rendered.fields.map { Fact(title: $0.name, value: $0.value) }))
            }
            attachments = [
                Attachment(content: Card(body: body, actions: rendered.link.map { [Action(title: "Status page", url: $0)] }))
            ]
        }

        static func color(_ severity: MessageSeverity) -> String {
            switch severity {
            case .critical, .error: "Attention"
            case .warning: "Warning"
            case .info: "Good"
            }
        }
    }
}
