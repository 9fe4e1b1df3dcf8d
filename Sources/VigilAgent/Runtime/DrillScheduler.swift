import Foundation
import Logging
import VigilCore

/// Starts a service's scheduled drills at their times (UTC). A drill the core refuses (an
/// incident is open, the service is paused, a runbook runs) is not run, and that is said.
enum DrillScheduler {
    /// The wall clock is read again at least this often, so a clock that jumps (NTP, a resumed
    /// VM) moves the next drill with it.
    static let recheck = Duration.seconds(60)

    static func run(_ service: RunningService, schedules: [DrillSchedule], logger: Logger) async {
        guard !schedules.isEmpty else { return }
        while !Task.isCancelled {
            let now = Date()
            let due = schedules.map { ($0, $0.next(after: now)) }.min { $0.1 < $1.1 }
            guard let (schedule, at) = due else { return }
            logger.info("\(service.name): next drill \(schedule.text) at \(at)")
            while Date() < at {
                let left = Duration.milliseconds(Int64(at.timeIntervalSince(Date()) * 1_000))
                do {
                    try await Task.sleep(for: min(left, recheck))
                } catch {
                    return  // cancelled at shutdown
                }
            }
            await start(schedule, on: service, logger: logger)
        }
    }

    private static func start(_ schedule: DrillSchedule, on service: RunningService, logger: Logger) async {
        let command = OperatorCommand.drill(hold: schedule.hold, whilePaused: false, dryRun: false)
        let answer = await service.driver.send(
            .operatorRequested(OperatorRequest(command, by: "schedule (\(schedule.text))", reason: schedule.reason)))
        switch answer {
        case .accepted?, .plan?, nil:
            return
        case .refused(_, let why)?:
            let reason = "DRILL NOT RUN: the scheduled drill (\(schedule.text): \(schedule.reason)) was refused: \(why)"
            logger.warning("\(service.name): \(reason)")
            await service.actions.notify(Message(kind: .drillReport, service: service.name, reason: reason, at: Agent.wallClockNow()))
        }
    }
}
