/// One failed round of a backend's probes, kept as the evidence an incident opens with.
public struct ProbeEvidence: Equatable, Hashable, Sendable, Codable {
    /// The backend checked.
    public var backend: Backend
    /// When the round ended.
    public var at: Instant
    /// Each check's outcome.
    public var outcomes: [ProbeOutcome]

    /// One round of `backend`'s checks at `at`.
    public init(backend: Backend, at: Instant, outcomes: [ProbeOutcome]) {
        self.backend = backend
        self.at = at
        self.outcomes = outcomes
    }
}
