/// A planned-maintenance window that has not ended, as the status pages show it ahead of time.
public struct MaintenanceStatus: Codable, Sendable, Equatable {
    public var id: String
    public var start: String
    public var end: String
    /// `Tue 2026-12-08 02:00–04:00 UTC`.
    public var span: String
    /// The services it covers; empty: every service.
    public var services: [String]
    /// Why (operators only: the public page never shows it).
    public var reason: String
    /// What the public page says of it.
    public var publicText: String?
    /// It is in force now.
    public var inForce: Bool

    public init(
        id: String, start: String, end: String, span: String, services: [String], reason: String, publicText: String?, inForce: Bool
    ) {
        self.id = id
        self.start = start
        self.end = end
        self.span = span
        self.services = services
        self.reason = reason
        self.publicText = publicText
        self.inForce = inForce
    }
}
