/// The summary of a failed remote action (SSH or local), as the state machine reasons about it.
/// The transports keep the raw library code and message beside it.
public enum RemoteFailureKind: String, Equatable, Hashable, Sendable, Codable {
    case nameResolution
    case connectionRefused
    case connectTimeout
    case unreachable
    /// The peer did not speak SSH, or the key exchange failed.
    case handshakeFailed
    /// A session-level deadline (handshake, authentication, SFTP) passed.
    case timeout
    case knownHostsUnusable
    case hostKeyUnknown
    case hostKeyMismatch
    case keyFileUnusable
    case authenticationFailed
    /// The remote command did not end before its deadline; the session was torn down.
    case commandTimedOut
    /// The session dropped after the command was sent: it may or may not have run.
    case outcomeUnknown
    /// The session dropped between actions.
    case sessionLost
    case remoteFileNotFound
    case parentNotFolder
    case fileTooLarge
    case remoteIO
    case localIO
    case protocolError
}
