import VigilCore

/// What one drift check found on a service's load balancers.
public struct DriftReport: Sendable {
    /// One line per upstream file that differs from what Vigil last wrote (a hand edit).
    public var drifted: [String] = []
    /// What reading each file found, for the core (a file that cannot be read is blindness).
    public var observations: [UpstreamObservation] = []
    /// One line per load balancer whose nginx rejects its config now, in nginx's words.
    public var rejected: [String] = []
}
