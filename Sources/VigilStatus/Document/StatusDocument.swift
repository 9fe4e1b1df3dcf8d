import Foundation
import VigilCore

/// `/status.json` and `vigil status --json`: the overall state, every service's phase, what each
/// load balancer serves, each backend's health with its latest checks, the open incident with
/// its timeline, recent incidents and maintenance. Field names are stable (see
/// docs/status.schema.json); times are ISO 8601 in UTC, durations are seconds. Within a version,
/// fields are added, never renamed or removed.
public struct StatusDocument: Codable, Sendable, Equatable {
    public var version = 1
    public var generatedAt: String
    public var agentHost: String
    public var agentVersion: String
    /// The worst of the services.
    public var overall: OperationalStatus
    /// Where people read this page, when the config gives one.
    public var statusPageURL: String?
    public var services: [ServiceStatus]
    /// Each notification channel's queue: what waits, and since when.
    public var channels: [ChannelStatus]
    /// Planned maintenance that has not ended, by start.
    public var maintenance: [MaintenanceStatus] = []
    /// This agent's cluster, when it runs in one.
    public var cluster: ClusterStatus?

    public struct ServiceStatus: Codable, Sendable, Equatable {
        public var name: String
        public var status: OperationalStatus
        public var phase: PhaseName
        /// The runbook step in flight, while failing over or back.
        public var step: String?
        /// Why it is stuck, when it is.
        public var stuckReason: String?
        /// Why Vigil cannot run this service's checks on its host, while it cannot (no failover
        /// can start meanwhile).
        public var agentFault: String?
        /// Whether a failure now would be failed over; when not, every reason.
        public var protected: Bool
        public var unprotectedReasons: [String]
        /// Why the upstream files cannot be read (or are not understood), while so.
        public var upstreamProblem: String?
        /// Each SSH host a failover needs, as the idle checks last found it.
        public var hosts: [HostStatus]
        /// The side the load balancers send traffic to, when they all agree.
        public var activeSide: String?
        public var loadBalancers: [LoadBalancerStatus]
        public var backends: [BackendStatus]
        public var incident: IncidentStatus?
        /// Closed incidents, newest first.
        public var recentIncidents: [IncidentStatus]
        public var pause: PauseStatus?
        /// The check history the pictures show: `served`, then each backend.
        public var history: [HistorySeries] = []
        /// In a cluster: each agent's view of both sides, this agent's first.
        public var views: [ViewStatus] = []
    }

    /// One agent's view of both sides, in a cluster.
    public struct ViewStatus: Codable, Sendable, Equatable {
        public var agent: String
        /// up, down or unknown.
        public var primary: String
        public var standby: String
        /// The last failed round, while a side fails.
        public var evidence: String?
        /// When this view last changed.
        public var since: String
    }

    public struct HostStatus: Codable, Sendable, Equatable {
        public var name: String
        /// false once it failed two checks in a row (and was said unreachable); nil before a check.
        public var reachable: Bool?
        /// The last check's problem, while it fails.
        public var problem: String?
        /// How files reach it: `sftp`, or `exec` where the server offers no SFTP (absent until a
        /// file was read or written there).
        public var files: String?
    }

    public struct ChannelStatus: Codable, Sendable, Equatable {
        public var name: String
        /// Messages waiting to be delivered.
        public var pending: Int
        /// How long the oldest waiting message has waited.
        public var oldestSeconds: Double?
        /// It has delivered nothing for its `alarm_after` while messages wait.
        public var failing: Bool

        public init(name: String, pending: Int, oldestSeconds: Double?, failing: Bool = false) {
            self.failing = failing
            self.name = name
            self.pending = pending
            self.oldestSeconds = oldestSeconds
        }
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
        /// The latest result of each of its checks (none while it is not watched).
        public var checks: [CheckStatus]
    }

    public struct CheckStatus: Codable, Sendable, Equatable {
        public var url: String
        public var ok: Bool
        /// ok, or what failed: "connection refused", "HTTP 500", "timeout (firstByte)", ...
        public var result: String
        public var seconds: Double
        public var at: String
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
        /// A drill's report (only for kind `drill`, and a drill that became a failover).
        public var drill: DrillReportDocument?
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

    /// What the document is made of, per service.
    public struct Input: Sendable {
        public var name: String
        public var config: ServiceConfig
        public var state: ServiceSnapshot
        public var checks: [Backend: [CheckRecord]]
        public var recentIncidents: [Incident]
        /// The machine's answer to "can Vigil protect it now?" (empty: yes).
        public var unprotectedReasons: [String]
        /// How files reach each SSH host, by the host's name, where known.
        public var fileTransfers: [String: String] = [:]
        /// The check history, by series name (`primary`, `standby`, `served`).
        public var history: AvailabilityHistory.Series = [:]
        /// In a cluster: each agent's view, this agent's first.
        public var views: [VantageView] = []

        public init(
            name: String, config: ServiceConfig, state: ServiceSnapshot, checks: [Backend: [CheckRecord]] = [:],
            recentIncidents: [Incident] = [], unprotectedReasons: [String] = []
        ) {
            self.unprotectedReasons = unprotectedReasons
            self.name = name
            self.config = config
            self.state = state
            self.checks = checks
            self.recentIncidents = recentIncidents
        }
    }

    public init(
        services inputs: [Input], channels: [ChannelStatus] = [], maintenance: [MaintenanceStatus] = [], agentHost: String,
        statusPageURL: String? = nil, now: Date = Date()
    ) {
        self.channels = channels
        self.maintenance = maintenance
        generatedAt = Self.time(now)
        self.agentHost = agentHost
        agentVersion = VigilVersion.current
        self.statusPageURL = statusPageURL
        services = inputs.map { Self.service($0, now: now) }
        overall = services.map(\.status).max() ?? .operational
    }

    /// The document as pretty, key-sorted JSON.
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Agent instants count from the Unix epoch.
    public static func time(_ instant: Instant) -> String {
        time(instant.date)
    }

    public static func time(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    private static func service(_ input: Input, now: Date) -> ServiceStatus {
        let state = input.state
        var status = ServiceStatus(
            name: input.name, status: Self.status(state), phase: state.phase.name, step: nil, stuckReason: nil,
            protected: input.unprotectedReasons.isEmpty, unprotectedReasons: input.unprotectedReasons,
            upstreamProblem: state.upstreamProblem,
            hosts: input.config.hosts.map { name in
                let watch = state.hosts[name]
                return HostStatus(
                    name: name, reachable: watch.map { !$0.saidUnreachable }, problem: watch?.problem, files: input.fileTransfers[name])
            },
            activeSide: nil, loadBalancers: [], backends: [], incident: state.incident.map(incident),
            recentIncidents: input.recentIncidents.map(incident), pause: nil)
        switch state.phase {
        case .failingOver(let step), .failingBack(let step), .drilling(let step): status.step = step.description
        case .stuck(let reason): status.stuckReason = reason.description
        case .primaryActive, .secondaryActive, .paused: break
        }
        status.loadBalancers = zip(input.config.loadBalancers, state.upstreams).map { name, layout in
            LoadBalancerStatus(name: name, serves: layout?.active.rawValue, backup: layout?.backup?.rawValue)
        }
        status.activeSide = state.activeSide?.rawValue
        status.agentFault = state.agentFault
        status.backends = Backend.allCases.map { backend in
            let health = state.health[backend] ?? BackendHealth()
            let checks = (input.checks[backend] ?? []).map { record in
                CheckStatus(
                    url: record.url, ok: record.outcome.isHealthy,
                    result: { if case .failed(let failure) = record.outcome { failure.description } else { "ok" } }(),
                    seconds: record.seconds, at: time(record.at))
            }
            return BackendStatus(
                role: backend.rawValue, health: health.status.rawValue, consecutiveFailures: health.consecutiveFailures,
                consecutiveSuccesses: health.consecutiveSuccesses, failingSince: health.failingSince.map(time),
                upSince: health.upSince.map(time), checks: checks)
        }
        status.history = ["served", "primary", "standby"].compactMap { name in
            input.history[name].map { HistorySeries(name: name, history: $0, now: now) }
        }
        status.views = input.views.map { view in
            ViewStatus(
                agent: view.agent, primary: view.primary.rawValue, standby: view.standby.rawValue, evidence: view.evidence,
                since: time(view.since))
        }
        status.pause = state.pause.map { PauseStatus(until: $0.until.map(time), by: $0.by, reason: $0.reason.escapingControlCharacters) }
        return status
    }

    /// outage when the side that serves (or is being replaced) is down; degraded while something
    /// is down or being fixed but traffic is served; maintenance while paused.
    static func status(_ state: ServiceSnapshot) -> OperationalStatus {
        let status = runningStatus(state)
        // A window in force is maintenance unless nothing serves.
        return state.maintenance != nil && status != .outage ? .maintenance : status
    }

    private static func runningStatus(_ state: ServiceSnapshot) -> OperationalStatus {
        func down(_ backend: Backend?) -> Bool { backend.map { state.health[$0]?.status == .down } ?? false }
        switch state.phase {
        case .paused:
            return .maintenance
        case .failingOver, .failingBack:
            return down(state.runbook?.target.other) ? .outage : .degraded
        case .drilling:
            // A rehearsal is not an outage while the side that serves is up.
            return down(state.activeSide) ? .outage : .operational
        case .stuck:
            return down(state.activeSide) || state.activeSide == nil ? .outage : .degraded
        case .primaryActive, .secondaryActive:
            let active = state.activeSide
            if down(active) { return .outage }
            return down(active?.other) || state.incident != nil ? .degraded : .operational
        }
    }

    private static func incident(_ incident: Incident) -> IncidentStatus {
        IncidentStatus(
            id: incident.id, kind: incident.kind.rawValue, from: incident.from.rawValue, to: incident.to.rawValue,
            cause: incident.cause, openedAt: time(incident.openedAt), resolvedAt: incident.resolvedAt.map(time),
            timeToRecoverSeconds: incident.timeToRecover.map(\.secondsValue),
            objectiveSeconds: incident.recoveryTimeObjective.map(\.secondsValue), metObjective: incident.metObjective,
            requestedBy: incident.requestedBy, gateSkipped: incident.gateSkipped,
            timeline: incident.timeline.map { TimelineLine(at: time($0.at), text: $0.what.description) },
            drill: incident.drillReport.map(DrillReportDocument.init))
    }
}
