/// The formats Vigil speaks.
public enum ChannelKind: String, Sendable, Codable, CaseIterable {
    /// Slack incoming webhooks (Block Kit with a `text` fallback; Mattermost reads the attachment).
    case slack
    /// Discord webhooks (content plus an embed).
    case discord
    /// Vigil's own versioned JSON, optionally signed with HMAC-SHA256.
    case webhook
}
