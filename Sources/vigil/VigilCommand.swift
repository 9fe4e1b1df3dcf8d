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

            This build has the transports (libcurl probes, libssh2 sessions); the agent's commands \
            (run, status, failover, ...) arrive with the agent.
            """,
        version: VigilVersion.current
    )
}
