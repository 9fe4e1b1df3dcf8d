/// One line of an incident's timeline.
public struct TimelineEntry: Equatable, Hashable, Sendable, Codable {
    /// What happened.
    public enum What: Equatable, Hashable, Sendable, Codable {
        case opened(cause: String)
        case stepStarted(RunbookStep)
        case stepSucceeded(RunbookStep)
        /// What a step had to say (a hook's exit status and output tail).
        case stepReported(RunbookStep, report: String)
        case stepSkipped(RunbookStep, why: String)
        case stepFailed(RunbookStep, cause: String)
        case operatorRequested(OperatorCommand, by: String, reason: String)
        case retrying(attempt: Int)
        case resolved(note: String)
        /// Within an open incident (an outage), traffic starts moving to `to`.
        case moving(to: Backend, why: String)
        /// An operator took it on (`vigil ack`): escalation and reminders stop.
        case acknowledged(by: String, reason: String)
        /// Not acknowledged in time: said on these channels too.
        case escalated(to: [String])
    }

    /// When.
    public var at: Instant
    /// What.
    public var what: What

    /// An entry saying `what` happened at `at`.
    public init(at: Instant, what: What) {
        self.at = at
        self.what = what
    }
}

extension TimelineEntry.What: CustomStringConvertible {
    /// One line, as the webhook body, the CLI and the logs show it.
    public var description: String {
        switch self {
        case .opened(let cause): "opened: \(cause)"
        case .stepStarted(let step): "started \(step)"
        case .stepSucceeded(let step): "succeeded \(step)"
        case .stepReported(let step, let report): "\(step) said: \(report)"
        case .stepSkipped(let step, let why): "skipped \(step): \(why)"
        case .stepFailed(let step, let cause): "failed \(step): \(cause)"
        case .operatorRequested(let command, let by, let reason): "operator \(by) requested \(command): \(reason.escapingControlCharacters)"
        case .retrying(let attempt): "retrying, attempt \(attempt)"
        case .resolved(let note): "resolved: \(note)"
        case .moving(let to, let why): "moving traffic to \(to.rawValue): \(why)"
        case .acknowledged(let by, let reason): "acknowledged by \(by): \(reason.escapingControlCharacters)"
        case .escalated(let channels): "not acknowledged: escalated to \(channels.joined(separator: ", "))"
        }
    }
}
