/// Who took an incident on, and when: escalation and reminders stop from then on.
public struct Acknowledgement: Equatable, Hashable, Sendable, Codable {
    /// The operator, from the control socket's peer credentials.
    public var by: String
    /// When.
    public var at: Instant

    /// `by` acknowledged at `at`.
    public init(by: String, at: Instant) {
        self.by = by
        self.at = at
    }
}
