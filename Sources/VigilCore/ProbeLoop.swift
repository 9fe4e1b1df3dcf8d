/// One backend's probe loop: a probe in flight, or a timer waiting to start the next one.
public enum ProbeLoop: Equatable, Hashable, Sendable, Codable {
    case idle
    case inFlight
    case waiting(generation: Int)
}
