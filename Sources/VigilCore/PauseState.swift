/// Maintenance: who paused, until when, and where to return.
public struct PauseState: Equatable, Hashable, Sendable, Codable {
    public var previous: Phase
    public var until: Instant?
    public var by: String
    public var reason: String
}
