extension RemoteFailureKind {
    /// How a runbook that failed with this kind of failure on `host` is tried again.
    public func retryPlan(host: String) -> RetryPlan {
        switch self {
        case .connectionRefused, .connectTimeout, .unreachable, .handshakeFailed, .timeout, .sessionLost:
            .watchHost(host)
        case .nameResolution, .commandTimedOut, .outcomeUnknown:
            .backoff
        case .knownHostsUnusable, .hostKeyUnknown, .hostKeyMismatch, .keyFileUnusable, .authenticationFailed,
            .remoteFileNotFound, .parentNotFolder, .fileTooLarge, .remoteIO, .localIO, .protocolError:
            .fixed
        }
    }
}
