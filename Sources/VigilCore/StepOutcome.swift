/// How a runbook step ended, as the driver reports it.
public enum StepOutcome: Equatable, Hashable, Sendable, Codable {
    case succeeded
    /// Failed, with the cause in words (nginx's own message, the command's stderr tail, ...).
    case failed(String)
}
