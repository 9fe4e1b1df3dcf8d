/// The two sides of a service.
public enum Backend: String, CaseIterable, Hashable, Sendable, Codable {
    case primary
    case standby

    /// The other side.
    public var other: Backend {
        switch self {
        case .primary: .standby
        case .standby: .primary
        }
    }
}
