import VigilCore

extension NotificationPayload {
    /// PagerDuty Events API v2 (`POST /v2/enqueue`), without its `routing_key`. One page per
    /// problem: an incident's messages share its id as `dedup_key`, so the all-clear resolves
    /// the page; a host, a channel or a preflight problem pages under `SERVICE/KIND` and its
    /// all-clear resolves that.
    struct PagerDutyEvent: Encodable {
        struct Payload: Encodable {
            var summary: String
            var severity: String
            var source: String
            var component: String
            var timestamp: String
            var eventClass: String
            var customDetails: [String: String]

            enum CodingKeys: String, CodingKey {
                case summary, severity, source, component, timestamp
                case eventClass = "class"
                case customDetails = "custom_details"
            }
        }
        struct Link: Encodable {
            var href: String
            var text: String
        }
        var eventAction: String
        var dedupKey: String
        /// Only a trigger carries one: PagerDuty reads nothing else of an acknowledge or resolve.
        var payload: Payload?
        var links: [Link]?
        var client: String
        var clientURL: String?

        enum CodingKeys: String, CodingKey {
            case payload, links, client
            case eventAction = "event_action"
            case dedupKey = "dedup_key"
            case clientURL = "client_url"
        }

        init(_ message: Message, rendered: RenderedMessage, eventID: String, agentHost: String, time: String) {
            let resolves = message.kind.clears != nil || message.kind == .drillReport
            let acknowledges = message.kind == .incidentAcknowledged
            eventAction = resolves ? "resolve" : acknowledges ? "acknowledge" : "trigger"
            dedupKey = Self.dedupKey(message, eventID: eventID)
            client = "Vigil on \(agentHost)"
            clientURL = rendered.link
            guard !resolves && !acknowledges else { return }
            var details = ["text": rendered.text]
            for field in rendered.fields { details[field.name] = field.value }
            payload = Payload(
                summary: String(rendered.title.prefix(1_024)), severity: message.kind.severity.rawValue, source: agentHost,
                component: message.service, timestamp: time, eventClass: message.kind.rawValue, customDetails: details)
            links = rendered.link.map { [Link(href: $0, text: "Vigil status page")] }
        }

        static func dedupKey(_ message: Message, eventID: String) -> String {
            if let incident = message.incident { return "vigil/\(message.service)/incident/\(incident.id)" }
            if let opener = message.kind.clears { return "vigil/\(message.service)/\(opener.rawValue)" }
            if MessageKind.allOpeners.contains(message.kind) { return "vigil/\(message.service)/\(message.kind.rawValue)" }
            return "vigil/\(message.service)/event/\(eventID)"
        }
    }
}

extension MessageKind {
    /// Kinds that another kind clears (a problem with an all-clear).
    static let allOpeners = Set(allCases.compactMap(\.clears))
}
