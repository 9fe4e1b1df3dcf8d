/// What a message is about; the wording lives in the notification templates.
public enum MessageKind: String, Equatable, Hashable, Sendable, Codable {
    case incidentStarted
    case incidentUpdate
    case incidentResolved
    case runbookFailed
    case failbackStarted
    case failbackDone
    case standbyUnhealthy
    case standbyHealthy
    case failbackAvailable
    case flapBudgetExhausted
    case paused
    case resumed
}
