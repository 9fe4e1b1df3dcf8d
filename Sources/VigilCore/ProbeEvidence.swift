/// One failed round of a backend's probes, kept as the evidence an incident opens with.
public struct ProbeEvidence: Equatable, Hashable, Sendable, Codable {
    public var backend: Backend
    public var at: Instant
    public var outcomes: [ProbeOutcome]

    public init(backend: Backend, at: Instant, outcomes: [ProbeOutcome]) {
        self.backend = backend
        self.at = at
        self.outcomes = outcomes
    }
}
