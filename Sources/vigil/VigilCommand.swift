import ArgumentParser
import VigilCore

@main
struct VigilCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract: "Health watchdog and automatic failover agent for a primary/standby service behind nginx.",
        discussion: """
            Vigil watches the primary's health endpoints with hysteresis and, when the failure is \
            sustained, starts the standby over SSH, waits until it is healthy, switches the nginx \
            upstream on each load balancer (backup, atomic swap, nginx -t, reload, verify) and tells \
            people. Any failed step rolls back to the last good config.

            Operator commands (status, failover, failback, pause, resume, rearm, retry) go to the running \
            daemon over its control socket (see control_socket in the config). With no daemon running, \
            failover and failback run the runbook in this process, under the same lock `vigil run` takes.

            Exit codes: 0 success; 1 the command failed, was refused, or something checked is down; \
            64 a usage error; 69 no daemon is running; 78 a config error.
            """,
        version: "\(VigilVersion.current) (commit \(buildCommit))",
        subcommands: [
            Run.self, Status.self, Failover.self, Failback.self, Drill.self, Pause.self, Resume.self, Rearm.self, Acknowledge.self, Retry.self,
            Check.self, Render.self, ConfigCommand.self, NotifyCommand.self, MaintenanceCommand.self,
        ]
    )
}
