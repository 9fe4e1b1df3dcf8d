/// An operator's command with who asked and why, for the audit trail.
public struct OperatorRequest: Equatable, Hashable, Sendable, Codable {
    public var command: OperatorCommand
    public var by: String
    public var reason: String

    public init(_ command: OperatorCommand, by: String, reason: String) {
        self.command = command
        self.by = by
        self.reason = reason
    }
}
