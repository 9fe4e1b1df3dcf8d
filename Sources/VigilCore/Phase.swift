/// Where a service is. `paused` watches and reports but never acts.
public enum Phase: Equatable, Hashable, Sendable, Codable {
    case primaryActive
    case failingOver(RunbookStep)
    case secondaryActive
    case failingBack(RunbookStep)
    case stuck(StuckReason)
    case paused
}

extension Phase: CustomStringConvertible {
    /// As logs and `vigil status` show it: the phase's name, then what it is doing or waiting on.
    public var description: String {
        switch self {
        case .primaryActive: "primaryActive"
        case .secondaryActive: "secondaryActive"
        case .paused: "paused"
        case .failingOver(let step): "failingOver: \(step)"
        case .failingBack(let step): "failingBack: \(step)"
        case .stuck(let reason): "stuck: \(reason)"
        }
    }
}
