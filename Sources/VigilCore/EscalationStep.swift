/// One step of a service's `escalate:` list: while an incident is open and not acknowledged,
/// `after` its opening it is said on `channels` too.
public struct EscalationStep: Equatable, Hashable, Sendable, Codable {
    /// How long after the incident opened.
    public var after: Duration
    /// The channels (by name) that get it then.
    public var channels: [String]

    /// A step `after` the opening, to `channels`.
    public init(after: Duration, channels: [String]) {
        self.after = after
        self.channels = channels
    }
}
