/// Who reads a channel: operators, or the people the service is for.
public enum Audience: String, Sendable, Codable, CaseIterable {
    /// Technical wording: causes, evidence, steps, hosts (every message kind).
    case `internal`
    /// The communication plan's wording, by the services' display names, and only what users
    /// need: an incident's alert, updates and resolution, and planned maintenance.
    case `public`
}
