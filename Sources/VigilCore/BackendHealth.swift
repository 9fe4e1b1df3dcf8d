/// Hysteresis for one backend: `fall` consecutive failed rounds lasting `minFailureDuration` to
/// go down, `rise` consecutive passed rounds to come up.
public struct BackendHealth: Equatable, Hashable, Sendable, Codable {
    /// Up, down or not yet known.
    public internal(set) var status: HealthStatus = .unknown
    /// Failed rounds in a row.
    public internal(set) var consecutiveFailures = 0
    /// Passed rounds in a row.
    public internal(set) var consecutiveSuccesses = 0
    /// The first failed round of the current failure streak.
    public internal(set) var failingSince: Instant?
    /// Since when the backend has been up (for failback delays).
    public internal(set) var upSince: Instant?
    /// The last failed rounds, newest last, at most `fall` of them.
    public internal(set) var recentFailures: [ProbeEvidence] = []

    /// A backend not yet checked.
    public init() {}

    /// A change of status one round caused.
    public enum Change: Equatable, Sendable {
        case wentDown
        case cameUp
    }

    /// Records one round; returns the change of status it caused, if any.
    public mutating func record(
        _ outcomes: [ProbeOutcome], of backend: Backend, at now: Instant,
        settings: DetectionSettings
    ) -> Change? {
        if settings.combination.passes(outcomes) {
            consecutiveSuccesses += 1
            consecutiveFailures = 0
            failingSince = nil
            guard status != .up, consecutiveSuccesses >= settings.rise else { return nil }
            status = .up
            upSince = now
            return .cameUp
        }
        consecutiveFailures += 1
        consecutiveSuccesses = 0
        if failingSince == nil { failingSince = now }
        recentFailures = Array(
            (recentFailures + [ProbeEvidence(backend: backend, at: now, outcomes: outcomes)])
                .suffix(max(1, settings.fall)))
        guard status != .down, consecutiveFailures >= settings.fall,
            let failingSince, now - failingSince >= settings.minFailureDuration
        else { return nil }
        status = .down
        upSince = nil
        return .wentDown
    }

    /// The wait before the next round: fast while a change is unconfirmed.
    public func nextInterval(_ settings: DetectionSettings) -> Duration {
        switch status {
        case .unknown: settings.fastInterval
        case .up: consecutiveFailures > 0 ? settings.fastInterval : settings.interval
        case .down: consecutiveSuccesses > 0 ? settings.fastInterval : settings.downInterval
        }
    }
}
