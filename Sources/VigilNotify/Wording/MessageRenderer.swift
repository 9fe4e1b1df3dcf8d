import Mustache
import VigilCore

/// Turns a message value into words with the shipped templates or a channel's overrides.
public struct MessageRenderer: Sendable {
    private let overrides: [MessageKind: MustacheTemplate]

    /// Fails when an override does not parse, naming the kind, so a bad config is refused at load.
    public init(overrides: [MessageKind: String] = [:]) throws {
        var parsed: [MessageKind: MustacheTemplate] = [:]
        for (kind, text) in overrides {
            do {
                parsed[kind] = try MustacheTemplate(string: text)
            } catch {
                throw TemplateError(kind: kind, message: "\(error)")
            }
        }
        self.overrides = parsed
    }

    public struct TemplateError: Error, CustomStringConvertible {
        public var kind: MessageKind
        public var message: String
        public var description: String { "the template for \(kind.rawValue) does not parse: \(message)" }
    }

    private static let shippedTitles = MessageTemplates.titles.mapValues(compile)
    private static let shippedTexts = MessageTemplates.texts.mapValues(compile)

    /// A template Vigil ships: one that does not parse is a bug of this build (the golden tests
    /// render every one), not an operator's mistake.
    static func compile(_ text: String) -> MustacheTemplate {
        do {
            return try MustacheTemplate(string: text)
        } catch {
            preconditionFailure("a shipped template does not parse: \(error): \(text)")
        }
    }

    public func render(_ message: Message, statusPageURL: String? = nil) -> RenderedMessage {
        let context = Self.context(of: message, statusPageURL: statusPageURL)
        let title = Self.shippedTitles[message.kind]?.render(context) ?? message.kind.rawValue
        let text = (overrides[message.kind] ?? Self.shippedTexts[message.kind])?.render(context) ?? message.reason
        return RenderedMessage(
            title: title, text: text, fields: Self.fields(of: message), color: Self.color(of: message.kind),
            link: statusPageURL)
    }

    static func context(of message: Message, statusPageURL: String?) -> [String: Any] {
        var context: [String: Any] = [
            "service": message.service, "reason": message.reason, "kind": message.kind.rawValue,
            "from": (message.from ?? message.incident?.from)?.rawValue ?? "",
            "to": (message.to ?? message.incident?.to)?.rawValue ?? "",
        ]
        if let incident = message.incident {
            context["incidentID"] = incident.id
            context["requestedBy"] = incident.requestedBy ?? ""
            if let recovered = incident.timeToRecover { context["timeToRecover"] = Self.seconds(recovered) }
            if let objective = incident.recoveryTimeObjective { context["objective"] = Self.seconds(objective) }
        }
        if let statusPageURL { context["statusPageURL"] = statusPageURL }
        return context
    }

    static func fields(of message: Message) -> [RenderedMessage.Field] {
        var fields: [RenderedMessage.Field] = []
        if let from = message.from ?? message.incident?.from, let to = message.to ?? message.incident?.to {
            fields.append(.init(name: "From → to", value: "\(from.rawValue) → \(to.rawValue)"))
        }
        fields.append(.init(name: "Reason", value: message.reason))
        guard let incident = message.incident else { return fields }
        if !incident.evidence.isEmpty {
            let lines = incident.evidence.map { evidence in
                let failures = evidence.outcomes.compactMap { outcome -> String? in
                    guard case .failed(let failure) = outcome else { return nil }
                    return failure.description
                }
                return "\(Self.offset(evidence.at, from: incident.openedAt)) \(evidence.backend.rawValue): \(failures.joined(separator: ", "))"
            }
            fields.append(.init(name: "Evidence", value: lines.joined(separator: "\n")))
        }
        let steps = Self.steps(of: incident)
        if !steps.isEmpty { fields.append(.init(name: "Steps", value: steps.joined(separator: "\n"))) }
        if let recovered = incident.timeToRecover {
            let objective =
                incident.recoveryTimeObjective.map { " (objective \(Self.seconds($0)), \(incident.metObjective == true ? "met" : "MISSED"))" } ?? ""
            fields.append(.init(name: "Time to recover", value: Self.seconds(recovered) + objective))
        }
        if let requestedBy = incident.requestedBy { fields.append(.init(name: "Requested by", value: requestedBy)) }
        if incident.gateSkipped { fields.append(.init(name: "Health gate", value: "SKIPPED by the operator")) }
        return fields
    }

    /// Each step with its outcome and duration, from the incident's timeline.
    static func steps(of incident: Incident) -> [String] {
        var started: [RunbookStep: Instant] = [:]
        var lines: [String] = []
        for entry in incident.timeline {
            switch entry.what {
            case .stepStarted(let step):
                started[step] = entry.at
            case .stepSucceeded(let step):
                lines.append("✓ \(step) (\(Self.seconds(entry.at - (started[step] ?? entry.at))))")
            case .stepReported(_, let report):
                lines.append("  ↳ \(report)")
            case .stepFailed(let step, let cause):
                lines.append("✗ \(step) (\(Self.seconds(entry.at - (started[step] ?? entry.at)))): \(cause)")
            case .stepSkipped(let step, let why):
                lines.append("– \(step) skipped: \(why)")
            case .moving(let to, let why):
                lines.append("→ moving to \(to.rawValue): \(why)")
            case .opened, .operatorRequested, .retrying, .resolved, .acknowledged, .escalated:
                break
            }
        }
        return lines
    }

    static func color(of kind: MessageKind) -> String {
        switch kind {
        case .incidentStarted, .failbackStarted, .incidentUpdate: "#f2a900"
        case .incidentResolved, .failbackDone, .standbyHealthy, .resumed, .agentFaultCleared, .outageResolved, .upstreamReadable,
            .hostReachable, .backupListed, .channelRecovered, .preflightPassed, .incidentAcknowledged, .maintenanceEnded, .clusterRegained:
            "#2eb67d"
        case .runbookFailed, .flapBudgetExhausted, .standbyUnhealthy, .agentFault, .outageStarted, .upstreamUnreadable, .hostUnreachable,
            .loadBalancerCheckFailed, .backupListingFailed, .channelFailing, .preflightFailed, .incidentEscalated, .maintenanceHeld, .clusterLost,
            .vantagesDisagree:
            "#e01e5a"
        case .failbackAvailable, .paused, .test, .drillStarted, .drillProgress, .drillReport, .maintenanceStarted: "#439fe0"
        case .upstreamEdited, .upstreamAdopted, .leaderChanged: "#f2a900"
        }
    }

    static func seconds(_ duration: Duration) -> String {
        let milliseconds = duration.wholeMilliseconds
        return milliseconds % 1_000 == 0 ? "\(milliseconds / 1_000)s" : "\(Double(milliseconds) / 1_000)s"
    }

    static func offset(_ instant: Instant, from origin: Instant) -> String { "+" + seconds(instant - origin) }
}
