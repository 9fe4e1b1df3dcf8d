/// What an operator asks of the daemon.
public enum ControlCommand: String, Codable, Sendable, CaseIterable {
    case status
    case failover
    case failback
    case pause
    case resume
    case ack
    case retry
}
