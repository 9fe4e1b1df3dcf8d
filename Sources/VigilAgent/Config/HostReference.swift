/// Where a command runs or a file lives.
public enum HostReference: Sendable, Equatable {
    case local
    case ssh(host: String, port: Int)
}
