import Foundation
import VigilCore

/// Writes a message as a whole mail (RFC 5322 with MIME): plain text and HTML alternatives from
/// the same rendered words, base64 bodies (safe for any line length and any script), and
/// threading headers so a mail client shows an incident as one conversation.
struct MailComposer {
    var mail: MailSettings
    var agentHost: String

    /// Kinds whose mail starts an incident's thread: its Message-ID is the thread's root.
    static let threadStarters: Set<MessageKind> = [.incidentStarted, .failbackStarted, .drillStarted]

    func compose(_ message: Message, rendered: RenderedMessage, eventID: String, time: Date) -> [UInt8] {
        let ownID = "<\(eventID)@\(agentHost)>"
        let root = message.incident.map { incident in
            "<incident.\(message.service).\(incident.id).\(incident.openedAt.sinceEpoch.wholeMilliseconds)@\(agentHost)>"
        }
        let boundary = "vigil-\(eventID)"
        var headers = [
            ("From", mail.from),
            ("To", mail.to.joined(separator: ", ")),
        ]
        if let replyTo = mail.replyTo { headers.append(("Reply-To", replyTo)) }
        headers += [
            ("Subject", Self.encodedWord(rendered.title)),
            ("Date", Self.date(time)),
        ]
        if let root, Self.threadStarters.contains(message.kind) {
            headers.append(("Message-ID", root))
        } else {
            headers.append(("Message-ID", ownID))
            if let root { headers += [("In-Reply-To", root), ("References", root)] }
        }
        headers += [
            ("MIME-Version", "1.0"),
            ("Content-Type", "multipart/alternative; boundary=\"\(boundary)\""),
            ("Auto-Submitted", "auto-generated"),
            ("X-Vigil-Event-Id", eventID),
            ("X-Vigil-Severity", message.kind.severity.rawValue),
        ]
        var lines = headers.map { "\($0.0): \($0.1)" }
        lines.append("")
        for (type, text) in [("text/plain", Self.plain(rendered)), ("text/html", Self.html(rendered))] {
            lines += [
                "--\(boundary)", "Content-Type: \(type); charset=utf-8", "Content-Transfer-Encoding: base64", "",
            ]
            lines += Self.base64Lines(text)
        }
        lines.append("--\(boundary)--")
        return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    static func plain(_ rendered: RenderedMessage) -> String {
        var parts = [rendered.title, rendered.text]
        parts += rendered.fields.map { "\($0.name):\n\($0.value)" }
        if let link = rendered.link { parts.append("Status page: \(link)") }
        return parts.joined(separator: "\n\n") + "\n"
    }

    static func html(_ rendered: RenderedMessage) -> String {
        var html = """
            <!doctype html><html><body style="font-family:sans-serif">
            <h2 style="border-left:6px solid \(rendered.color.escapingHTML);padding-left:8px">\(rendered.title.escapingHTML)</h2>
            <p>\(rendered.text.escapingHTML)</p>

            """
        if !rendered.fields.isEmpty {
            html += "<table cellpadding=\"4\">\n"
            for field in rendered.fields {
                html +=
                    "<tr><th align=\"left\" valign=\"top\">\(field.name.escapingHTML)</th>"
                    + "<td><pre style=\"margin:0;white-space:pre-wrap\">\(field.value.escapingHTML)</pre></td></tr>\n"
            }
            html += "</table>\n"
        }
        if let link = rendered.link { html += "<p><a href=\"\(link.escapingHTML)\">Status page</a></p>\n" }
        return html + "</body></html>\n"
    }

    static func base64Lines(_ text: String) -> [String] {
        let encoded = Data(text.utf8).base64EncodedString()
        return stride(from: 0, to: encoded.count, by: 76).map { start in
            let from = encoded.index(encoded.startIndex, offsetBy: start)
            return String(encoded[from..<(encoded.index(from, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex)])
        }
    }

    /// A header value as is when it is short printable ASCII; otherwise RFC 2047 encoded words
    /// (UTF-8, base64) of whole characters, folded onto continuation lines.
    static func encodedWord(_ text: String) -> String {
        let printable = text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
        if printable && text.count <= 900 { return text }
        var words: [String] = []
        var chunk = ""
        for character in text {
            if chunk.utf8.count + character.utf8.count > 45 {
                words.append(chunk)
                chunk = ""
            }
            // A control character cannot travel in a header, even encoded.
            chunk.append(character.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F } ? character : " ")
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    /// RFC 5322's date, in UTC.
    static func date(_ time: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: time)
    }
}
