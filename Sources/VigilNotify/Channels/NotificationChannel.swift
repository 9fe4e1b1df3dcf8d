import VigilCore

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
