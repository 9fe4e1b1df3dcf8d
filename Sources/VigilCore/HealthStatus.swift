/// A backend's health after hysteresis.
public enum HealthStatus: String, Equatable, Hashable, Sendable, Codable {
    /// Not yet `rise` passes or `fall` failures since watching began.
    case unknown
    case up
    case down
}
