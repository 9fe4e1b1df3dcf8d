/// Where a service is. `paused` watches and reports but never acts.
public enum Phase: Equatable, Hashable, Sendable, Codable {
    case primaryActive
    case failingOver(RunbookStep)
    case secondaryActive
    case failingBack(RunbookStep)
    case stuck(StuckReason)
    case paused
}
