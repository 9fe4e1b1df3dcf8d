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
    /// An upstream file no longer holds what Vigil last wrote: someone edited it by hand.
    case upstreamEdited
    /// Checks of a backend cannot run on the agent's host (descriptors, memory): the backend is
    /// not judged meanwhile, so a failover cannot happen.
    case agentFault
    /// The checks run again.
    case agentFaultCleared
    /// `vigil notify test`: proves a channel works; no action needed.
    case test
}
