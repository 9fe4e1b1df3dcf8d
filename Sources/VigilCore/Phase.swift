/// Where a service is. `paused` watches and reports but never acts.
public enum Phase: Equatable, Hashable, Sendable, Codable {
    case primaryActive
    case failingOver(RunbookStep)
    case secondaryActive
    case failingBack(RunbookStep)
    case stuck(StuckReason)
    case paused
    /// A drill runs: an announced failover to the standby, a hold, a failback (see `Runbook`).
    case drilling(RunbookStep)
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
        case .drilling(let step): "drilling: \(step)"
        }
    }
}

extension Phase {
    /// The phase without its detail.
    public var name: PhaseName {
        switch self {
        case .primaryActive: .primaryActive
        case .failingOver: .failingOver
        case .secondaryActive: .secondaryActive
        case .failingBack: .failingBack
        case .stuck: .stuck
        case .paused: .paused
        case .drilling: .drilling
        }
    }

    /// True while a runbook step is under way (not stuck, not paused).
    public var isRunningRunbook: Bool {
        switch self {
        case .failingOver, .failingBack, .drilling: true
        case .primaryActive, .secondaryActive, .stuck, .paused: false
        }
    }
}
