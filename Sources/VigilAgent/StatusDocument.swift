import Foundation
import VigilCore

/// What `vigil status --json` prints: every service's phase, what each load balancer serves, the
/// health of each backend and the open and last incidents. Field names are stable; times are
/// ISO 8601 in UTC, durations are seconds. A field is added, never renamed, within a version.
public struct StatusDocument: Codable, Sendable, Equatable {
    public var version = 1
    public var generatedAt: String
    public var agentHost: String
    public var agentVersion: String
    public var services: [ServiceStatus]

    public struct ServiceStatus: Codable, Sendable, Equatable {
        public var name: String
        /// primaryActive, failingOver, secondaryActive, failingBack, stuck or paused.
        public var phase: String
        /// The runbook step in flight, while failing over or back.
        public var step: String?
        /// Why it is stuck, when it is.
        public var stuckReason: String?
        /// The side the load balancers send traffic to, when they all agree.
        public var activeSide: String?
        public var loadBalancers: [LoadBalancerStatus]
        public var backends: [BackendStatus]
        public var incident: IncidentStatus?
        public var lastIncident: IncidentStatus?
        public var pause: PauseStatus?
    }

    public struct LoadBalancerStatus: Codable, Sendable, Equatable {
        public var name: String
        /// primary, standby, or nil when Vigil does not know what the file names.
        public var serves: String?
        public var backup: String?
    }

    public struct BackendStatus: Codable, Sendable, Equatable {
        public var role: String
        /// up, down or unknown.
        public var health: String
        public var consecutiveFailures: Int
        public var consecutiveSuccesses: Int
        public var failingSince: String?
        public var upSince: String?
    }

    public struct IncidentStatus: Codable, Sendable, Equatable {
        public var id: String
        public var kind: String
        public var from: String
        public var to: String
        public var cause: String
        public var openedAt: String
        public var resolvedAt: String?
        public var timeToRecoverSeconds: Double?
        public var objectiveSeconds: Double?
        public var metObjective: Bool?
        public var requestedBy: String?
        public var gateSkipped: Bool
        public var timeline: [TimelineLine]
    }

    public struct TimelineLine: Codable, Sendable, Equatable {
        public var at: String
        public var text: String
    }

    public struct PauseStatus: Codable, Sendable, Equatable {
        public var until: String?
        public var by: String
        public var reason: String
    }

    public init(states: [(name: String, config: ServiceConfig, state: ServiceSnapshot)], agentHost: String, now: Date = Date()) {
        generatedAt = Self.time(now)
        self.agentHost = agentHost
        agentVersion = VigilVersion.current
        services = states.map { Self.service($0.name, $0.config, $0.state) }
    }

    /// The document as pretty, key-sorted JSON.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Agent instants count from the Unix epoch.
    static func time(_ instant: Instant) -> String {
        time(Date(timeIntervalSince1970: Double(instant.sinceEpoch.wholeMilliseconds) / 1_000))
    }

    static func time(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    private static func service(_ name: String, _ config: ServiceConfig, _ state: ServiceSnapshot) -> ServiceStatus {
        var status = ServiceStatus(name: name, phase: "", step: nil, stuckReason: nil, activeSide: nil, loadBalancers: [], backends: [],
                                   incident: state.incident.map(incident), lastIncident: state.lastIncident.map(incident), pause: nil)
        switch state.phase {
        case .primaryActive: status.phase = "primaryActive"
        case .secondaryActive: status.phase = "secondaryActive"
        case .failingOver(let step): (status.phase, status.step) = ("failingOver", step.description)
        case .failingBack(let step): (status.phase, status.step) = ("failingBack", step.description)
        case .paused: status.phase = "paused"
        case .stuck(let reason): (status.phase, status.stuckReason) = ("stuck", reason.description)
        }
        status.loadBalancers = zip(config.loadBalancers, state.upstreams).map { name, layout in
            LoadBalancerStatus(name: name, serves: layout?.active.rawValue, backup: layout?.backup?.rawValue)
        }
        let sides = Set(state.upstreams.map { $0?.active })
        if sides.count == 1, let side = sides.first ?? nil { status.activeSide = side.rawValue }
        status.backends = Backend.allCases.map { backend in
            let health = state.health[backend] ?? BackendHealth()
            return BackendStatus(role: backend.rawValue, health: health.status.rawValue, consecutiveFailures: health.consecutiveFailures,
                                 consecutiveSuccesses: health.consecutiveSuccesses, failingSince: health.failingSince.map(time),
                                 upSince: health.upSince.map(time))
        }
        status.pause = state.pause.map { PauseStatus(until: $0.until.map(time), by: $0.by, reason: $0.reason) }
        return status
    }

    private static func incident(_ incident: Incident) -> IncidentStatus {
        IncidentStatus(id: incident.id, kind: incident.kind.rawValue, from: incident.from.rawValue, to: incident.to.rawValue,
                       cause: incident.cause, openedAt: time(incident.openedAt), resolvedAt: incident.resolvedAt.map(time),
                       timeToRecoverSeconds: incident.timeToRecover.map(\.secondsValue),
                       objectiveSeconds: incident.recoveryTimeObjective.map(\.secondsValue), metObjective: incident.metObjective,
                       requestedBy: incident.requestedBy, gateSkipped: incident.gateSkipped,
                       timeline: incident.timeline.map { TimelineLine(at: time($0.at), text: $0.what.description) })
    }
}
