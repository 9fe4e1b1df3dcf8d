import Foundation
import Synchronization
import VigilCore

/// What the agent observed, kept for the status page and `/metrics`: the latest result of every
/// check, probe durations and outcomes, runbook results and step durations (read from the
/// snapshots as they are saved), notification deliveries. Counters live as long as the process.
public final class Telemetry: Sendable {
    struct ProbeKey: Hashable { var service, backend, probe: String }
    struct ResultKey: Hashable { var service, backend, probe, result: String }
    struct RunbookKey: Hashable { var service, kind, result: String }
    struct StepKey: Hashable { var service, step: String }
    struct DeliveryKey: Hashable { var channel, result: String }

    struct State {
        var checks: [String: [Backend: [CheckRecord]]] = [:]
        var probeDurations: [ProbeKey: Histogram] = [:]
        var probeResults: [ResultKey: Int] = [:]
        var runbooks: [RunbookKey: Int] = [:]
        var stepDurations: [StepKey: Histogram] = [:]
        var deliveries: [DeliveryKey: Int] = [:]
        /// How long each call to etcd took, answered or not.
        var etcdRequests = Histogram()
        /// Per service and incident: how far its timeline was read, and which results were counted.
        var followed: [String: [String: Followed]] = [:]
    }

    struct Followed {
        var timelineRead = 0
        var countedResolved = false
        var countedStuckAttempts = 0
    }

    let state = Mutex(State())

    public init() {}

    /// One round of checks of a backend, with each check's measured duration.
    public func recordChecks(service: String, backend: Backend, probes: [String], outcomes: [ProbeOutcome], seconds: [Double], at: Date) {
        state.withLock { state in
            var records: [CheckRecord] = []
            for index in outcomes.indices {
                let probe = probes[index]
                records.append(CheckRecord(url: probe, outcome: outcomes[index], seconds: seconds[index], at: at))
                state.probeDurations[ProbeKey(service: service, backend: backend.rawValue, probe: probe), default: Histogram()]
                    .observe(seconds[index])
                state.probeResults[
                    ResultKey(
                        service: service, backend: backend.rawValue, probe: probe,
                        result: Self.resultLabel(outcomes[index])), default: 0] += 1
            }
            state.checks[service, default: [:]][backend] = records
        }
    }

    /// Reads what changed in a saved snapshot: steps that ended (their durations), a runbook
    /// that resolved or got stuck. Each incident is read once, from where the last read stopped.
    /// `counting` false takes a snapshot from before this process as already counted.
    public func observe(service: String, snapshot: ServiceSnapshot, counting: Bool = true) {
        state.withLock { state in
            let saved = state.stepDurations
            let savedRunbooks = state.runbooks
            defer {
                if !counting { (state.stepDurations, state.runbooks) = (saved, savedRunbooks) }
            }
            var followed = state.followed[service] ?? [:]
            for incident in [snapshot.lastIncident, snapshot.incident].compactMap({ $0 }) {
                var progress = followed[incident.id] ?? Followed()
                var started: [RunbookStep: Instant] = [:]
                for (index, entry) in incident.timeline.enumerated() {
                    switch entry.what {
                    case .stepStarted(let step):
                        started[step] = entry.at
                    case .stepSucceeded(let step), .stepFailed(let step, _):
                        guard index >= progress.timelineRead, let begin = started[step] else { continue }
                        state.stepDurations[StepKey(service: service, step: step.kindName), default: Histogram()]
                            .observe((entry.at - begin).secondsValue)
                    default:
                        break
                    }
                }
                progress.timelineRead = incident.timeline.count
                if incident.resolvedAt != nil, !progress.countedResolved {
                    progress.countedResolved = true
                    // A drill with findings ended, but it did not pass.
                    let result = incident.drill?.passed == false ? "failed" : "succeeded"
                    state.runbooks[RunbookKey(service: service, kind: incident.kind.rawValue, result: result), default: 0] += 1
                }
                // A failed runbook counts once per attempt (a retry of the same incident counts again).
                if case .stuck(.runbookFailed) = snapshot.phase, incident.id == snapshot.incident?.id,
                    let attempt = snapshot.runbook?.attempt, progress.countedStuckAttempts < attempt
                {
                    progress.countedStuckAttempts = attempt
                    state.runbooks[RunbookKey(service: service, kind: incident.kind.rawValue, result: "failed"), default: 0] += 1
                }
                followed[incident.id] = progress
            }
            let current = Set([snapshot.lastIncident?.id, snapshot.incident?.id].compactMap { $0 })
            state.followed[service] = followed.filter { current.contains($0.key) }
        }
    }

    public func recordEtcdRequest(seconds: Double) {
        state.withLock { $0.etcdRequests.observe(seconds) }
    }

    public func recordDelivery(channel: String, result: String) {
        state.withLock { $0.deliveries[DeliveryKey(channel: channel, result: result), default: 0] += 1 }
    }

    /// The latest checks of each backend of a service.
    public func checks(service: String) -> [Backend: [CheckRecord]] {
        state.withLock { $0.checks[service] ?? [:] }
    }

    /// The outcome as a label: ok, or the kind of failure.
    static func resultLabel(_ outcome: ProbeOutcome) -> String {
        switch outcome {
        case .healthy: "ok"
        case .failed(let failure):
            switch failure {
            case .refused: "refused"
            case .timeout: "timeout"
            case .nameResolution: "name_resolution"
            case .tls: "tls"
            case .invalidResponse: "invalid_response"
            case .status: "status"
            case .bodyMismatch: "body_mismatch"
            case .tooSlow: "too_slow"
            case .tooLarge: "too_large"
            case .other: "other"
            case .local: "local_fault"
            }
        }
    }
}

extension RunbookStep {
    /// The step's kind, a metric label: pre_hook, start, gate, switch, rollback, fence, post_hook,
    /// hold, drain.
    var kindName: String {
        switch self {
        case .preHook: "pre_hook"
        case .start: "start"
        case .gate: "gate"
        case .switchUpstream: "switch"
        case .rollback: "rollback"
        case .fence: "fence"
        case .postHook: "post_hook"
        case .hold: "hold"
        case .drain: "drain"
        }
    }
}
