/// What Vigil knows of one SSH host it needs, from the idle checks and the watching of a host a
/// runbook waits for.
public struct HostWatch: Equatable, Hashable, Sendable, Codable {
    /// Failed checks in a row.
    public var failures = 0
    /// The last check's problem, while it fails.
    public var problem: String?
    /// "Unreachable" has been said and not yet cleared.
    public var saidUnreachable = false

    /// A host not yet checked.
    public init() {}

    /// Checks that must fail in a row before the host is said unreachable: one lost round trip
    /// is not worth waking anyone.
    public static let failuresBeforeAlarm = 2
}
