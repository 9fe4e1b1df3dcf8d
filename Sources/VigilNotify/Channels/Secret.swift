/// A secret from the config (a webhook URL, a signing key, a token header). It prints as
/// `<redacted>` everywhere: in logs, errors, status output and debug dumps.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The secret itself, for the one place that must send it.
    public let exposed: String

    public init(_ value: String) { exposed = value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: []) }
}
