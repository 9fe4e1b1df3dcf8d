import Foundation
import Synchronization
import VigilCore

/// Every service's check history for the pictures: per backend, and "served" (the checks of the
/// side the load balancers named then: what users got). Saved in the state folder by the agent.
public final class AvailabilityHistory: Sendable {
    /// The series of one service, by name: `primary`, `standby`, `served`.
    public typealias Series = [String: BackendHistory]

    private struct State {
        var services: [String: Series] = [:]
        var serving: [String: Backend] = [:]
    }

    private let state = Mutex(State())

    public init(services: [String: Series] = [:]) {
        state.withLock { $0.services = services }
    }

    /// The side the load balancers name now (from each saved snapshot).
    public func serving(_ side: Backend?, service: String) {
        state.withLock { $0.serving[service] = side }
    }

    /// One round of checks of a backend.
    public func record(service: String, backend: Backend, outcomes: [ProbeOutcome], seconds: [Double], at date: Date) {
        state.withLock { state in
            // In place: the rings are not copied on every round of checks.
            let names = (state.serving[service] ?? .primary) == backend ? [backend.rawValue, "served"] : [backend.rawValue]
            for (outcome, duration) in zip(outcomes, seconds) {
                for name in names {
                    state.services[service, default: [:]][name, default: BackendHistory()].record(ok: outcome.isHealthy, seconds: duration, at: date)
                }
            }
        }
    }

    /// A service's series now (open minutes included).
    public func series(service: String) -> Series {
        state.withLock { $0.services[service] ?? [:] }
    }

    /// What to save: every series with its open minute counted in (the live one keeps counting).
    public func snapshot() -> [String: Series] {
        state.withLock { state in state.services.mapValues { series in series.mapValues { $0.closed() } } }
    }
}
