/// An operator's command with who asked and why, for the audit trail.
public struct OperatorRequest: Equatable, Hashable, Sendable, Codable {
    /// What was asked.
    public var command: OperatorCommand
    /// Who asked, from the control socket's peer credentials.
    public var by: String
    /// Why, as given.
    public var reason: String

    /// A request of `command` by `by` for `reason`.
    public init(_ command: OperatorCommand, by: String, reason: String) {
        self.command = command
        self.by = by
        self.reason = reason
    }
}
