import Foundation
import Logging
import VigilCore

/// Starts a service's scheduled drills at their times (UTC). A drill the core refuses (an
/// incident is open, the service is paused, a runbook runs) is not run, and that is said.
public enum DrillScheduler {
    /// The wall clock is read again at least this often, so a clock that jumps (NTP, a resumed
    /// VM) moves the next drill with it.
    static let recheck = Duration.seconds(60)

    /// Runs until cancelled. `now` is the wall clock (a test moves it).
    public static func run<C: Clock>(
        service: String, schedules: [DrillSchedule], driver: ServiceDriver<C>, actions: any ServiceActions,
        now: @Sendable () -> Date = Date.init, leads: @Sendable () -> Bool = { true }, logger: Logger
    ) async where C.Duration == Duration {
        guard !schedules.isEmpty else { return }
        while !Task.isCancelled {
            let due = schedules.map { ($0, $0.next(after: now())) }.min { $0.1 < $1.1 }
            guard let (schedule, at) = due else { return }
            logger.info("\(service): next drill \(schedule.text) at \(at)")
            while now() < at {
                let left = Duration.milliseconds(Int64(at.timeIntervalSince(now()) * 1_000))
                do {
                    try await Task.sleep(for: min(max(left, .milliseconds(1)), recheck))
                } catch {
                    return  // cancelled at shutdown
                }
            }
            guard leads() else {
                // In a cluster the leader drills; this agent's schedule is the same as the leader's.
                logger.info("\(service): the drill (\(schedule.text)) is the cluster leader's to run")
                continue
            }
            if let hold = await driver.machine.state.maintenance {
                // An operator may drill during maintenance; a schedule does not.
                let reason = "DRILL NOT RUN: the scheduled drill (\(schedule.text)) falls in planned maintenance \(hold.id)"
                logger.warning("\(service): \(reason)")
                await actions.notify(Message(kind: .drillReport, service: service, reason: reason, at: Agent.wallClockNow()))
                continue
            }
            let command = OperatorCommand.drill(hold: schedule.hold, whilePaused: false, dryRun: false)
            let request = OperatorRequest(command, by: "schedule (\(schedule.text))", reason: schedule.reason)
            guard case .refused(_, let why)? = await driver.send(.operatorRequested(request)) else { continue }
            let reason = "DRILL NOT RUN: the scheduled drill (\(schedule.text): \(schedule.reason)) was refused: \(why)"
            logger.warning("\(service): \(reason)")
            await actions.notify(Message(kind: .drillReport, service: service, reason: reason, at: Agent.wallClockNow()))
        }
    }
}
