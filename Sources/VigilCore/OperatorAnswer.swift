/// The core's answer to an operator.
public enum OperatorAnswer: Equatable, Hashable, Sendable, Codable {
    case accepted(OperatorCommand)
    case refused(OperatorCommand, why: String)
    /// A dry run: every step that would run, assuming each succeeds.
    case plan(OperatorCommand, steps: [RunbookStep])
}
