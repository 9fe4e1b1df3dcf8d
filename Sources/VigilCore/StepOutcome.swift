/// How a runbook step ended, as the driver reports it.
public enum StepOutcome: Equatable, Hashable, Sendable, Codable {
    case succeeded
    /// Succeeded, with something worth keeping in the timeline (a hook's exit status and the
    /// tail of its output).
    case succeededReporting(String)
    /// Failed, with the cause in words (nginx's own message, the command's stderr tail, ...).
    case failed(String)
    /// Failed because a host did not do its part (not answering, a lost session, a refused key),
    /// with the cause in words: the kind decides how the runbook is tried again.
    case failedOnHost(String, host: String, kind: RemoteFailureKind)
}
