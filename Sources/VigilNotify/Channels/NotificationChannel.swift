import VigilCore
import VigilHTTP

/// A configured destination for messages, referenced by services by name.
public struct NotificationChannel: Sendable {
    public var name: String
    public var kind: ChannelKind
    public var url: Secret
    /// Extra request headers; their values may be tokens, so they are secrets too.
    public var headers: [(name: String, value: Secret)]
    /// Signs generic webhooks (`X-Vigil-Signature`); see docs/webhooks.md.
    public var signingSecret: Secret?
    /// Per-kind overrides of the text template (Mustache).
    public var templates: [MessageKind: String]
    /// What messages link to, when set.
    public var statusPageURL: String?

    /// How long the channel may deliver nothing while messages wait before that is an alarm
    /// (logged, shown, and said on the other channels).
    public var alarmAfter: Duration = .seconds(300)
    /// Who reads it: internal (the default) or the public, who get the communication plan's
    /// wording and only its kinds.
    public var audience: Audience = .internal
    /// Which messages it gets (`kinds:`, `min_severity:`); everything by default.
    public var filter: MessageFilter = .everything
    /// PagerDuty's integration key: put into each event as it is sent, never kept in the outbox.
    public var routingKey: Secret?
    /// Telegram's chat (`-100…` or `@channel`).
    public var chatID: String?
    /// An email channel's addresses and login.
    public var mail: MailSettings?
    /// How the channel's server is verified (its `ca_file`).
    public var tls = TLSOptions()

    public init(
        name: String, kind: ChannelKind, url: Secret, headers: [(name: String, value: Secret)] = [],
        signingSecret: Secret? = nil, templates: [MessageKind: String] = [:], statusPageURL: String? = nil
    ) {
        self.name = name
        self.kind = kind
        self.url = url
        self.headers = headers
        self.signingSecret = signingSecret
        self.templates = templates
        self.statusPageURL = statusPageURL
    }
}
