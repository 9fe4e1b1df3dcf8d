/// One line of an incident's timeline.
public struct TimelineEntry: Equatable, Hashable, Sendable, Codable {
    public enum What: Equatable, Hashable, Sendable, Codable {
        case opened(cause: String)
        case stepStarted(RunbookStep)
        case stepSucceeded(RunbookStep)
        case stepSkipped(RunbookStep, why: String)
        case stepFailed(RunbookStep, cause: String)
        case operatorRequested(OperatorCommand, by: String, reason: String)
        case retrying(attempt: Int)
        case resolved(note: String)
    }

    public var at: Instant
    public var what: What

    public init(at: Instant, what: What) {
        self.at = at
        self.what = what
    }
}
