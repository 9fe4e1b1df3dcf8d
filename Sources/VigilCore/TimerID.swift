/// A timer the core asked for. Each carries a generation: a firing whose generation is no longer
/// the current one is late and ignored.
public enum TimerID: Equatable, Hashable, Sendable, Codable {
    case probe(Backend, generation: Int)
    case stepDeadline(generation: Int)
    case retry(generation: Int)
    case reminder(generation: Int)
    case pauseEnds(generation: Int)
    /// Read the upstream files again while one cannot be read.
    case observeUpstreams(generation: Int)
    /// The idle check of the service's SSH hosts.
    case hostCheck(generation: Int)
    /// A backup-line rewrite the rate limit held back.
    case backupListing(generation: Int)
    /// The next scheduled preflight.
    case preflight(generation: Int)
    /// The next escalation step of an unacknowledged incident.
    case escalation(generation: Int)
}
