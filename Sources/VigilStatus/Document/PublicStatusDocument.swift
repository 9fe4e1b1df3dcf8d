import Foundation
import VigilCore

/// The public status page's document (`/status.json` on `status.public_listen`): what the people
/// a service is for may see, and nothing else. Services by display name, their status, incidents
/// in the communication plan's words with their times, planned maintenance in its public words.
/// Never an address, host, check, cause, reason, operator, timeline or the agent's own details
/// (docs/public-status.schema.json).
public struct PublicStatusDocument: Codable, Sendable, Equatable {
    public var version = 1
    public var generatedAt: String
    public var organization: String?
    /// The worst of the services.
    public var overall: OperationalStatus
    public var services: [Service]
    /// Open incidents first, then the recent closed ones, newest first.
    public var incidents: [Incident]
    /// Planned maintenance that has not ended, by start.
    public var maintenance: [Maintenance]

    public struct Service: Codable, Sendable, Equatable {
        public var name: String
        public var status: OperationalStatus
        /// What users got: the checks of the side the load balancers named, by day and minute.
        public var history: HistorySeries?
    }

    public struct Incident: Codable, Sendable, Equatable {
        public var service: String
        /// investigating, or resolved.
        public var state: String
        public var title: String
        public var text: String
        public var startedAt: String
        public var resolvedAt: String?
    }

    public struct Maintenance: Codable, Sendable, Equatable {
        /// `Tue 2026-12-08 02:00–04:00 UTC`.
        public var span: String
        public var start: String
        public var end: String
        /// Display names; empty: every service.
        public var services: [String]
        public var text: String
        public var inForce: Bool
    }

    /// What the public may know beyond the internal document: names and wording.
    public struct Naming: Sendable {
        public var organization: String
        /// Display names by service name (a service without one is shown by its name).
        public var displayNames: [String: String]
        /// How often an open incident is updated, by service name.
        public var updateIntervals: [String: Duration]

        public init(organization: String = "", displayNames: [String: String] = [:], updateIntervals: [String: Duration] = [:]) {
            self.organization = organization
            self.displayNames = displayNames
            self.updateIntervals = updateIntervals
        }

        func name(_ service: String) -> String { displayNames[service] ?? service }
    }

    /// How many closed incidents the page lists.
    static let recentLimit = 10

    /// Built field by field from the internal document: only what is listed here is copied.
    public init(from document: StatusDocument, naming: Naming) {
        generatedAt = document.generatedAt
        organization = naming.organization.isEmpty ? nil : naming.organization
        services = document.services.map { service in
            Service(
                name: naming.name(service.name), status: Self.publicStatus(service, maintenance: document.maintenance),
                history: service.history.first { $0.name == "served" })
        }
        overall = services.map(\.status).max() ?? .operational
        var open: [Incident] = []
        var closed: [(Incident, String)] = []
        for service in document.services {
            let name = naming.name(service.name)
            for incident in [service.incident].compactMap({ $0 }) + service.recentIncidents where Self.isPublic(incident) {
                if let resolvedAt = incident.resolvedAt {
                    let entry = Incident(
                        service: name, state: "resolved", title: PublicNotice.resolvedTitle(naming.organization), text: PublicNotice.resolved,
                        startedAt: incident.openedAt, resolvedAt: resolvedAt)
                    closed.append((entry, incident.openedAt))
                } else {
                    open.append(
                        Incident(
                            service: name, state: "investigating", title: PublicNotice.alertTitle(naming.organization),
                            text: PublicNotice.alert(name, updateEvery: naming.updateIntervals[service.name]), startedAt: incident.openedAt,
                            resolvedAt: nil))
                }
            }
        }
        incidents = open + closed.sorted { $0.1 > $1.1 }.prefix(Self.recentLimit).map(\.0)
        maintenance = document.maintenance.map { window in
            Maintenance(
                span: window.span, start: window.start, end: window.end, services: window.services.map(naming.name),
                text: window.publicText ?? "Planned maintenance", inForce: window.inForce)
        }
    }

    /// Failovers and outages are what users felt; drills and failbacks are the operators' own.
    static func isPublic(_ incident: StatusDocument.IncidentStatus) -> Bool {
        incident.kind == IncidentKind.failover.rawValue || incident.kind == IncidentKind.outage.rawValue
    }

    /// As users see it: an outage while the side that serves is down (or an outage incident is
    /// open); degraded while an incident of theirs is open (a standby that fails its checks, or
    /// a file Vigil cannot read, is not their concern); maintenance only in a planned window (a
    /// pause is the operators' own).
    static func publicStatus(_ service: StatusDocument.ServiceStatus, maintenance: [MaintenanceStatus]) -> OperationalStatus {
        let servingIsDown = service.backends.contains { $0.role == service.activeSide && $0.health == "down" }
        if servingIsDown || service.incident?.kind == IncidentKind.outage.rawValue { return .outage }
        if let incident = service.incident, isPublic(incident) { return .degraded }
        let inWindow = maintenance.contains { $0.inForce && ($0.services.isEmpty || $0.services.contains(service.name)) }
        return inWindow ? .maintenance : .operational
    }

    /// The document as pretty, key-sorted JSON.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(self), as: UTF8.self)
        } catch {
            preconditionFailure("plain structs of strings always encode: \(error)")
        }
    }
}
