/// Hysteresis, after HAProxy's `inter` / `fastinter` / `downinter` / `rise` / `fall`.
/// The defaults need a failure to last 2 s *and* 3 consecutive checks, so a 1.5 s blip never
/// fails over and a check that fails at random one time in five practically never does.
public struct DetectionSettings: Equatable, Hashable, Sendable, Codable {
    /// Between checks while all is well.
    public var interval: Duration = .seconds(1)
    /// Between checks while a failure (or a recovery) is not yet confirmed, and during a health gate.
    public var fastInterval: Duration = .milliseconds(250)
    /// Between checks during a health gate while the target fails: a service that is starting is
    /// seen as soon as it answers. Passed checks still count `fastInterval` apart toward `rise`.
    public var gatePollInterval: Duration = .milliseconds(50)
    /// Between checks while the backend is down.
    public var downInterval: Duration = .seconds(1)
    /// Consecutive failed rounds before a backend is down.
    public var fall: Int = 3
    /// Consecutive passed rounds before a backend is up again (and the standby's health gate).
    public var rise: Int = 2
    /// A failure must also have lasted this long, from its first failed round.
    public var minFailureDuration: Duration = .seconds(2)
    /// How many of a backend's checks must pass for a round to pass.
    public var combination: ProbeCombination = .all

    /// The defaults documented in `deploy/vigil.example.yaml`.
    public init() {}
}
