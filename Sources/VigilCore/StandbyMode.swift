/// How the standby waits.
public enum StandbyMode: String, Equatable, Hashable, Sendable, Codable {
    /// Stopped until the runbook starts it.
    case cold
    /// Always running, listed as nginx `backup` while its checks pass, so nginx retries on it
    /// per request while Vigil confirms the failure and promotes it.
    case warm
}
