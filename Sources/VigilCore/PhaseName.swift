/// A phase without its detail, as the status document, the page and the metrics name it.
public enum PhaseName: String, Equatable, Hashable, Sendable, Codable, CaseIterable {
    case primaryActive
    case failingOver
    case secondaryActive
    case failingBack
    case stuck
    case paused
    case drilling
}
