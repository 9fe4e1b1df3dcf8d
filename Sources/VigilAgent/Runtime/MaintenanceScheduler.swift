import Foundation
import Logging
import VigilCore

/// Tells each service's core which maintenance window is in force, at the second it begins and
/// ends (the file is looked at each second and read when it changed, so one added or cancelled at
/// run time counts at once). When the list cannot be read, the windows last read stay in force
/// and that is logged.
enum MaintenanceScheduler {
    static let interval = Duration.seconds(1)

    static func run(services: [RunningService], watch: MaintenanceWatch, now: @Sendable () -> Date = Date.init, logger: Logger) async {
        var failing: String?
        while !Task.isCancelled {
            do {
                try watch.refresh()
                if failing != nil { logger.notice("the maintenance windows can be read again") }
                failing = nil
            } catch {
                if failing != error.description { logger.error("\(error); the windows read before stay in force") }
                failing = error.description
            }
            let date = now()
            let windows = watch.windows
            for service in services {
                // Overlapping windows: the one that ends last holds, so the hold does not end early.
                let active = windows.filter { $0.covers(service.name) && $0.isActive(at: date) }.max { $0.end < $1.end }
                let current = await service.driver.machine.state.maintenance
                if current?.id != active?.id || current?.until != active?.hold.until {
                    _ = await service.driver.send(.maintenanceChanged(active?.hold))
                }
            }
            do {
                try await Task.sleep(for: interval)
            } catch {
                return  // cancelled at shutdown
            }
        }
    }
}
