/// An email channel's addresses and login; the server is the channel's `url` (smtp:// or
/// smtps://).
public struct MailSettings: Sendable, Equatable {
    /// `From:`, as `address` or `Name <address>`; its address is the envelope sender too.
    public var from: String
    /// The recipients' addresses.
    public var to: [String]
    public var replyTo: String?
    /// AUTH, when the server wants a login.
    public var username: String?
    public var password: Secret?
    /// For smtp://: refuse to send unless the server upgrades the connection with STARTTLS (on by
    /// default; smtps:// is TLS from the first byte).
    public var requireStartTLS: Bool

    public init(
        from: String, to: [String], replyTo: String? = nil, username: String? = nil, password: Secret? = nil,
        requireStartTLS: Bool = true
    ) {
        self.from = from
        self.to = to
        self.replyTo = replyTo
        self.username = username
        self.password = password
        self.requireStartTLS = requireStartTLS
    }

    /// The bare address of `from`, for the envelope.
    public var senderAddress: String {
        guard let open = from.lastIndex(of: "<"), let close = from.lastIndex(of: ">"), open < close else { return from }
        return String(from[from.index(after: open)..<close])
    }
}
