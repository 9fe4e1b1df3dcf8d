/// Maintenance: who paused, until when, and where to return.
public struct PauseState: Equatable, Hashable, Sendable, Codable {
    /// The phase to return to when the pause ends.
    public var previous: Phase
    /// When the pause ends by itself; nil: only on `vigil resume`.
    public var until: Instant?
    /// Who paused it.
    public var by: String
    /// Why.
    public var reason: String
}
