/// A notification to send, as a value: the kind, the service, from → to, the reason and, for an
/// incident, its whole record (evidence and timeline).
public struct Message: Equatable, Hashable, Sendable, Codable {
    /// What the message is about; the wording comes from the templates.
    public var kind: MessageKind
    /// The service's name.
    public var service: String
    /// The side traffic moves away from, when traffic moves.
    public var from: Backend?
    /// The side traffic moves to, when traffic moves.
    public var to: Backend?
    /// Why, in words.
    public var reason: String
    /// The incident's whole record, when the message belongs to one.
    public var incident: Incident?
    /// When it happened.
    public var at: Instant
    /// Only these channels, by name, instead of the service's routes (an escalation names them).
    public var channels: [String]?

    /// A message of `kind` about `service`; `from`, `to` and `incident` where they apply.
    public init(
        kind: MessageKind, service: String, from: Backend? = nil, to: Backend? = nil, reason: String,
        incident: Incident? = nil, at: Instant
    ) {
        self.kind = kind
        self.service = service
        self.from = from
        self.to = to
        self.reason = reason
        self.incident = incident
        self.at = at
    }
}
