import Foundation
import Synchronization
import Testing
import VigilAgent
import VigilCore
import VigilLab

/// The daemon's drill schedule: a drill starts at its time, and a refused one is said.
@Suite struct DrillSchedulerTests {
    let clock = ManualClock()
    let actions = FakeActions()
    let recorder = LogRecorder()

    /// A wall clock 300 ms before the schedule's next time, moving in real time from there.
    private func nearlyTime(for schedule: DrillSchedule) -> @Sendable () -> Date {
        let offset = schedule.next(after: Date()).addingTimeInterval(-0.3).timeIntervalSince(Date())
        return { Date().addingTimeInterval(offset) }
    }

    private func schedule() throws -> DrillSchedule {
        try DrillSchedule.parse("Tue 03:00", monthly: false, hold: .seconds(60), reason: "weekly drill").get()
    }

    private func watchedDriver() async throws -> ServiceDriver<ManualClock> {
        let driver = ServiceDriver(
            machine: ServiceStateMachine(config: ServiceConfig(name: "shop", loadBalancers: ["lb0"]), upstreams: [UpstreamLayout(active: .primary)]),
            actions: actions, clock: clock, logger: recorder.logger())
        await driver.start()
        try await LabWait.until("the primary to be up", timeout: .seconds(30), interval: .milliseconds(1)) {
            clock.advance(by: .milliseconds(50))
            return await driver.machine.state.health[.primary]?.status == .up
        }
        return driver
    }

    /// Runs the scheduler for the weekly drill on `driver`, its wall clock just before that time.
    private func runScheduler(_ driver: ServiceDriver<ManualClock>) throws -> Task<Void, Never> {
        let schedule = try schedule()
        let now = nearlyTime(for: schedule)
        return Task { [actions, recorder] in
            await DrillScheduler.run(service: "shop", schedules: [schedule], driver: driver, actions: actions, now: now, logger: recorder.logger())
        }
    }

    @Test func aScheduledDrillStartsAtItsTime() async throws {
        let driver = try await watchedDriver()
        let scheduler = try runScheduler(driver)
        defer { scheduler.cancel() }
        try await LabWait.until("the drill to start", timeout: .seconds(10)) { actions.state.withLock { $0.messages.contains(.drillStarted) } }
        #expect(await driver.machine.state.incident?.requestedBy == "schedule (weekly Tue 03:00)")
        #expect(await driver.machine.state.incident?.cause.contains("weekly drill") == true)
        await driver.stop()
    }

    @Test func aScheduledDrillThatIsRefusedIsSaid() async throws {
        let driver = try await watchedDriver()
        _ = await driver.send(.operatorRequested(OperatorRequest(.pause(until: nil), by: "ana", reason: "kernel")))
        let scheduler = try runScheduler(driver)
        defer { scheduler.cancel() }
        try await LabWait.until("the refusal to be said", timeout: .seconds(10)) { actions.state.withLock { $0.messages.contains(.drillReport) } }
        #expect(recorder.all.contains { $0.contains("DRILL NOT RUN") && $0.contains("--while-paused") })
        #expect(await driver.phase == .paused)
        await driver.stop()
    }
}
