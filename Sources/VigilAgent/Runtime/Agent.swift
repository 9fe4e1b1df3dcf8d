import Foundation
import Logging
import VigilCore
import VigilStatus

/// The daemon, and the one-off runbook a CLI runs when no daemon does. Both hold the run lock,
/// so two runbooks never overlap.
public enum Agent {
    /// Instants in saved state must mean the same after a restart: time since the Unix epoch.
    public static func wallClockNow() -> Instant {
        Instant(.milliseconds(Int64(Date().timeIntervalSince1970 * 1_000)))
    }

    /// Watches every configured service and serves the control socket until the task running it
    /// is cancelled (SIGTERM, SIGINT), then stops gracefully. The status listener reads from
    /// `board`; systemd hears READY once the services are watched, and WATCHDOG from this loop
    /// only while every service's driver answers (a wedged agent is restarted).
    static func run(
        config: AgentConfig, logger: Logger, board: StatusBoard? = nil,
        systemd: SystemdNotifier = SystemdNotifier()
    ) async throws {
        let lock = try RunLock.acquire(stateDirectory: config.stateDirectory)
        defer { withExtendedLifetime(lock) {} }
        let runtime = try await AgentRuntime.start(
            config: config, driftCheckInterval: config.driftCheckInterval, heartbeat: config.heartbeat, scheduledDrills: true,
            logger: logger)
        let control = ControlServer(path: config.controlSocket, group: config.controlGroup, logger: logger) { request, uid, reply in
            await runtime.handler.handle(request, uid: uid, reply: reply)
        }
        do {
            try control.start()
        } catch {
            await runtime.shutdown(grace: .zero)
            throw error
        }
        board?.publish(runtime.status)
        systemd.send("READY=1\nSTATUS=watching \(runtime.services.count) service(s)")
        while !Task.isCancelled {
            try? await Task.sleep(for: systemd.watchdogInterval ?? .seconds(3_600))
            if systemd.watchdogInterval != nil, !Task.isCancelled, await runtime.status.responsive() { systemd.send("WATCHDOG=1") }
        }
        logger.debug("the agent's main loop ended; stopping")
        systemd.send("STOPPING=1")
        board?.publish(nil)
        control.stopAccepting()
        // This task is cancelled; the graceful stop waits (and sleeps) in one that is not.
        _ = await Task { await runtime.shutdown(grace: config.shutdownGrace) }.value
        // A client still following a runbook learns how it was left.
        control.closeConnections(saying: "the daemon stopped before this ended; its next start resumes any runbook in flight from the saved state")
        logger.info("stopped")
    }

    /// Carries out one operator request in this process, for when no daemon runs: takes the run
    /// lock (or fails when a daemon or another one-off holds it), follows the runbook to its end,
    /// then gives the messages up to `deliverWithin` to go out. Hands each line of text to `line`;
    /// returns whether it succeeded.
    public static func runOnce(
        _ request: ControlRequest, config: AgentConfig, logger: Logger, deliverWithin: Duration = .seconds(30),
        line: @escaping @Sendable (String) -> Void
    ) async throws -> Bool {
        let lock = try RunLock.acquire(stateDirectory: config.stateDirectory)
        defer { withExtendedLifetime(lock) {} }
        let runtime = try await AgentRuntime.start(config: config, driftCheckInterval: nil, logger: logger)
        let ok = await runtime.handler.handle(request, uid: getuid()) { reply in
            if case .line(let text) = reply { line(text) }
        }
        let left = await runtime.shutdown(grace: config.shutdownGrace, deliverWithin: deliverWithin)
        if left > 0 {
            line("\(left) message(s) not yet delivered stay in the outbox; the daemon sends them when it starts")
        }
        return ok
    }
}
