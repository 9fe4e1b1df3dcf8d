/// The communication plan's words for the people a service is for: no cause, host, address or
/// evidence, the service by its display name, the organisation by its name. Public messages and
/// the public status page both say these.
public enum PublicNotice {
    /// "REChain DAO Incident Alert" and its text.
    public static func alertTitle(_ organization: String) -> String { "\(name(organization)) Incident Alert" }
    /// The incident's start: something may be affected, it is being worked on, when updates come.
    public static func alert(_ displayName: String, updateEvery interval: Duration?) -> String {
        "We are currently experiencing a technical issue that may affect \(displayName). We are working to resolve this "
            + "as quickly as possible." + (interval.map { " Updates will be provided every \(DurationText.spoken($0))." } ?? "")
    }

    /// "… Incident Update" and its text: status, impact, ETA, next update.
    public static func updateTitle(_ organization: String) -> String { "\(name(organization)) Incident Update" }
    /// The scheduled update.
    public static func update(_ displayName: String, nextIn interval: Duration?) -> String {
        "Update on the ongoing incident: Status: we are working to restore normal service; Impact: \(displayName) may be "
            + "unavailable or slow; ETA: as soon as possible; Next update: "
            + (interval.map { "within \(DurationText.spoken($0))." } ?? "when the situation changes.")
    }

    /// "… Incident Resolved" and its text.
    public static func resolvedTitle(_ organization: String) -> String { "\(name(organization)) Incident Resolved" }
    /// The incident's end.
    public static let resolved =
        "The incident has been resolved and all services are operating normally. We apologize for any inconvenience caused. "
        + "A post-incident report will be available within 24 hours."

    /// "… Planned Maintenance" and its texts.
    public static func maintenanceTitle(_ organization: String) -> String { "\(name(organization)) Planned Maintenance" }
    /// A window began.
    public static func maintenanceBegan(_ displayName: String) -> String {
        "Planned maintenance of \(displayName) has begun. The service may be briefly unavailable."
    }
    /// A window ended.
    public static func maintenanceEnded(_ displayName: String) -> String {
        "Planned maintenance of \(displayName) is complete; all services are operating normally."
    }

    private static func name(_ organization: String) -> String { organization.isEmpty ? "Service" : organization }
}
