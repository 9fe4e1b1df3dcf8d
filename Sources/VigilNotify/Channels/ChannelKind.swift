/// The formats Vigil speaks.
public enum ChannelKind: String, Sendable, Codable, CaseIterable {
    /// Slack incoming webhooks (Block Kit with a `text` fallback; Mattermost reads the attachment).
    case slack
    /// Discord webhooks (content plus an embed).
    case discord
    /// Vigil's own versioned JSON, optionally signed with HMAC-SHA256.
    case webhook
    /// PagerDuty's Events API v2: a page per incident, resolved when the incident is.
    case pagerduty
    /// Mail over SMTP (STARTTLS required unless turned off), threaded per incident.
    case email
    /// A Microsoft Teams Workflows webhook, posting an Adaptive Card.
    case teams
    /// The Telegram Bot API's `sendMessage`, in HTML parse mode.
    case telegram

    /// The types, as a config error lists them.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
