/// `vigil maintenance add|list|cancel`, as the control socket carries it.
public struct MaintenanceRequest: Codable, Sendable, Equatable {
    public enum Action: String, Codable, Sendable {
        case add, list, cancel
    }

    public var action: Action
    /// Unix seconds (add).
    public var start: Double?
    public var durationSeconds: Double?
    /// Empty: every service (add).
    public var services: [String] = []
    public var publicText: String?
    /// The window to cancel.
    public var id: String?

    public init(
        action: Action, start: Double? = nil, durationSeconds: Double? = nil, services: [String] = [], publicText: String? = nil,
        id: String? = nil
    ) {
        self.action = action
        self.start = start
        self.durationSeconds = durationSeconds
        self.services = services
        self.publicText = publicText
        self.id = id
    }
}
