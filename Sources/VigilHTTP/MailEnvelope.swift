/// What SMTP needs beside the mail itself: who sends, who receives, the login, and whether the
/// connection must be upgraded with STARTTLS.
public struct MailEnvelope: Sendable {
    /// The envelope sender (`MAIL FROM`), a bare address.
    public var sender: String
    /// The envelope recipients (`RCPT TO`), bare addresses.
    public var recipients: [String]
    /// The AUTH login, when the server wants one.
    public var username: String?
    /// The AUTH password; never in an error.
    public var password: String?
    /// For smtp://: fail unless the server upgrades to TLS (smtps:// is TLS from the start).
    public var requireTLS: Bool

    /// An envelope; STARTTLS is required unless `requireTLS` is false.
    public init(sender: String, recipients: [String], username: String? = nil, password: String? = nil, requireTLS: Bool = true) {
        self.sender = sender
        self.recipients = recipients
        self.username = username
        self.password = password
        self.requireTLS = requireTLS
    }
}
