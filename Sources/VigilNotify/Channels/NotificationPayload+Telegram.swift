import VigilCore

extension NotificationPayload {
    /// The Bot API's `sendMessage` in HTML parse mode: the title in bold, the text, the fields;
    /// every string escaped, and the whole within Telegram's 4,096 characters.
    struct TelegramMessage: Encodable {
        static let limit = 4_096
        var chatID: String
        var text: String
        var parseMode = "HTML"
        var disableWebPagePreview = true

        enum CodingKeys: String, CodingKey {
            case text
            case chatID = "chat_id"
            case parseMode = "parse_mode"
            case disableWebPagePreview = "disable_web_page_preview"
        }

        init(_ rendered: RenderedMessage, chatID: String) {
            self.chatID = chatID
            var parts = ["<b>\(rendered.title.escapingHTML)</b>", rendered.text.escapingHTML]
            parts += rendered.fields.map { "<b>\($0.name.escapingHTML)</b>\n\(String($0.value.prefix(1_000)).escapingHTML)" }
            if let link = rendered.link { parts.append("<a href=\"\(link.escapingHTML)\">Status page</a>") }
            // Whole parts are dropped from the end, never cut, so no tag is left open.
            while parts.count > 2 && parts.joined(separator: "\n\n").count > Self.limit { parts.removeLast() }
            text = String(parts.joined(separator: "\n\n").prefix(Self.limit))
        }
    }
}
