/// A notification to send, as a value: the kind, the service, from → to, the reason and, for an
/// incident, its whole record (evidence and timeline).
public struct Message: Equatable, Hashable, Sendable, Codable {
    public var kind: MessageKind
    public var service: String
    public var from: Backend?
    public var to: Backend?
    public var reason: String
    public var incident: Incident?
    public var at: Instant

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
