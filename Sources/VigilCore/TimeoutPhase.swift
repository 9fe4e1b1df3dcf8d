/// Where a request was when its deadline passed.
public enum TimeoutPhase: String, Equatable, Hashable, Sendable, Codable {
    case connect
    case tlsHandshake
    case firstByte
    case body
}
