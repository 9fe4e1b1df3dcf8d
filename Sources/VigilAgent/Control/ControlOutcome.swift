/// How a control request ended, on its last reply line.
public enum ControlOutcome: String, Codable, Sendable {
    case succeeded
    case failed
}
