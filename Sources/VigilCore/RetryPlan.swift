/// How a stuck runbook is tried again, chosen by the cause of its failure.
public enum RetryPlan: Equatable, Hashable, Sendable, Codable {
    /// The host did not answer (connection refused or timed out, session lost): watch it every
    /// 2 s and retry on its first answer.
    case watchHost(String)
    /// A cause that may clear by itself without a host to watch (a step deadline, a command
    /// whose outcome is unknown): exponential backoff from 2 s up to `retry_interval`.
    case backoff
    /// A cause that cannot clear by itself (host key, authentication, nginx rejecting the file,
    /// a start command that fails): every `retry_interval`, or an operator.
    case fixed
}
