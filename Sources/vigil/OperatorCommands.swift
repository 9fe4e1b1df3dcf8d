import ArgumentParser
import VigilAgent
import VigilCore

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show each service's phase, what the load balancers serve, and health.",
        discussion: "--json prints the status document (version 1: stable field names, ISO 8601 times, seconds).")
    @OptionGroup var target: TargetOptions
    @Flag(help: "The status document as JSON.") var json = false
    func run() async throws { try await target.send(target.request(.status, json: json)) }
}

struct Failover: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Move traffic to the standby now, through the standby's health gate.",
        discussion: """
            Prints each step as it happens and exits 0 when traffic moved, 1 when the runbook failed or \
            was refused. --dry-run prints the plan and the diff of every upstream file, changing nothing. \
            With no daemon running, the runbook runs in this process under the run lock, and its \
            messages are delivered before it exits (or left in the outbox for the daemon).
            """)
    @OptionGroup var target: TargetOptions
    @Flag(help: "Required: this skips hysteresis and the cooldown.") var force = false
    @Flag(help: "Print the plan and the upstream diffs; change nothing.") var dryRun = false
    @Flag(help: "Skip the standby's health gate too (loud in the output, the log and the messages).") var skipGate = false

    func validate() throws {
        guard force || dryRun else { throw ValidationError("a failover by hand needs --force (or --dry-run to see the plan)") }
    }

    func run() async throws {
        try await target.send(target.request(.failover, dryRun: dryRun, skipGate: skipGate), runWithoutDaemon: true)
    }
}

struct Failback: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Move traffic back to the primary now, through its health gate.",
        discussion: "Like failover: each step as it happens; without a daemon it runs here, under the run lock.")
    @OptionGroup var target: TargetOptions
    @Flag(help: "Print the plan and the upstream diffs; change nothing.") var dryRun = false
    @Flag(help: "Skip the primary's health gate (loud).") var skipGate = false
    func run() async throws {
        try await target.send(target.request(.failback, dryRun: dryRun, skipGate: skipGate), runWithoutDaemon: true)
    }
}

struct Pause: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Maintenance: keep watching and reporting, never act.")
    @OptionGroup var target: TargetOptions
    @Option(name: .customLong("for"), help: "Resume by itself after this long (e.g. 2h).") var duration: String?
    func run() async throws {
        var seconds: Double?
        if let duration {
            guard let parsed = DurationText.parse(duration), parsed > .zero else {
                throw ValidationError("--for takes a duration such as 30m or 2h, more than 0 and at most 720h (30 days), not '\(duration)'")
            }
            seconds = parsed.secondsValue
        }
        try await target.send(target.request(.pause, pauseSeconds: seconds))
    }
}

struct Resume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "End a pause.")
    @OptionGroup var target: TargetOptions
    func run() async throws { try await target.send(target.request(.resume)) }
}

struct Rearm: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-arm automatic failovers after the flap budget held them.",
        discussion: "The hold is said when it starts; `failover --force` moves traffic now without re-arming.")
    @OptionGroup var target: TargetOptions
    func run() async throws { try await target.send(target.request(.rearm)) }
}

/// The old name of `rearm`: `ack` will acknowledge incidents (the communication plan).
struct Acknowledge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ack", abstract: "For now the same as `vigil rearm` (its old name).")
    @OptionGroup var target: TargetOptions
    func run() async throws {
        say("vigil: `ack` is now `vigil rearm`; `ack` will acknowledge incidents")
        try await target.send(target.request(.ack))
    }
}

struct Retry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Retry a stuck runbook now.")
    @OptionGroup var target: TargetOptions
    func run() async throws { try await target.send(target.request(.retry)) }
}
