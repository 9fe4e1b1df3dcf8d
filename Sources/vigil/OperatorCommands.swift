import ArgumentParser
import Foundation
import Logging
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
    @Flag(
        help: ArgumentHelp(
            "In a cluster: act from this agent though it cannot prove it leads (etcd is down), under this host's lock only. "
                + "Loud and recorded; an agent that still leads is not stopped.")) var withoutCluster = false

    func validate() throws {
        guard force || dryRun else { throw ValidationError("a failover by hand needs --force (or --dry-run to see the plan)") }
    }

    func run() async throws {
        var request = target.request(.failover, dryRun: dryRun, skipGate: skipGate)
        request.withoutCluster = withoutCluster ? true : nil
        try await target.send(request, runWithoutDaemon: true)
    }
}

struct Failback: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Move traffic back to the primary now, through its health gate.",
        discussion: "Like failover: each step as it happens; without a daemon it runs here, under the run lock.")
    @OptionGroup var target: TargetOptions
    @Flag(help: "Print the plan and the upstream diffs; change nothing.") var dryRun = false
    @Flag(help: "Skip the primary's health gate (loud).") var skipGate = false
    @Flag(help: "In a cluster: act from this agent without proving it leads (see failover --help).") var withoutCluster = false
    func run() async throws {
        var request = target.request(.failback, dryRun: dryRun, skipGate: skipGate)
        request.withoutCluster = withoutCluster ? true : nil
        try await target.send(request, runWithoutDaemon: true)
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

struct Acknowledge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ack", abstract: "Acknowledge the open incident: you have it.",
        discussion: """
            Recorded in the incident's timeline with who and why (--reason), said on the service's \
            channels, and the PagerDuty page is acknowledged. Escalation (`escalate:`) and the \
            scheduled updates (`runbook.reminder_interval`) stop for this incident. It does not re-arm \
            automatic runbooks after the flap budget held them: that is `vigil rearm`.
            """)
    @OptionGroup var target: TargetOptions
    func run() async throws { try await target.send(target.request(.ack)) }
}

struct Retry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Retry a stuck runbook now.")
    @OptionGroup var target: TargetOptions
    func run() async throws { try await target.send(target.request(.retry)) }
}

struct Drill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rehearse the failover: to the standby, hold while it serves, back to the primary, and a report.",
        discussion: """
            A drill is a real, announced failover through the whole runbook (start, health gate, switch \
            every load balancer, verify), a hold while the standby serves and its health is watched, then \
            a failback through the primary's gate. Messages say DRILL at the start, at each end and in the \
            report. A failure is a finding, not an outage: before the switch nothing moved; after it \
            traffic goes back to the primary when it is healthy. If the primary fails during the drill, \
            the drill ends and a real failover takes over, said as one. After the failback the standby \
            is stopped only when runbook.fence is on, after runbook.drain_time.

            Never during an incident; while paused only with --while-paused. Prints each step as it \
            happens and the report at the end; exits 0 when the drill passed, 1 with findings. \
            --report last prints the newest drill's report as JSON from the state folder; \
            --next shows when the scheduled drills (drills: in the config) run.

            --preflight moves nothing: it logs in to every SSH host afresh (host keys checked), \
            checks that the start and stop commands exist on their hosts (command -v), tests the \
            upstream Vigil would write for the standby with each load balancer's nginx -t (in a \
            throwaway wrapper config in a temporary folder), resolves the standby's check URLs and \
            connects to each channel's endpoint (TLS handshake, nothing posted). The daemon runs it \
            at start and every preflight_interval (default 1h); a failure marks the service not \
            protected and is said. --notify also posts the result to the channels.
            """)
    @OptionGroup var target: TargetOptions
    @Option(help: "How long the standby serves before traffic goes back (e.g. 30s, 5m).") var hold = "5m"
    @Flag(help: "Print the plan and the upstream diffs; change nothing.") var dryRun = false
    @Flag(help: "Run even though the service is paused for maintenance.") var whilePaused = false
    @Option(help: "Print a past drill's report as JSON instead: 'last' or an incident id (SERVICE-N).") var report: String?
    @Flag(help: "Print when each service's scheduled drills (drills: in the config) run next, in UTC.") var next = false
    @Flag(help: "Check what a failover needs without moving traffic; exit 1 when something would fail.") var preflight = false
    @Flag(help: "With --preflight: also post the result to the service's channels.") var notify = false

    func validate() throws {
        if notify && !preflight { throw ValidationError("--notify goes with --preflight") }
    }

    func run() async throws {
        if preflight {
            var request = target.request(.preflight)
            request.notify = notify
            try await target.send(request, runWithoutDaemon: true)
            return
        }
        if next {
            let config = try target.config.load(checkFiles: false, secrets: .none)
            let now = Date()
            for service in config.services where target.service == nil || target.service == service.core.name {
                guard !service.drills.isEmpty else {
                    say("\(service.core.name): no scheduled drill (add drills: to the service)")
                    continue
                }
                for schedule in service.drills.sorted(by: { $0.next(after: now) < $1.next(after: now) }) {
                    let at = schedule.next(after: now).formatted(Date.ISO8601FormatStyle())
                    say("\(service.core.name): \(at) \(schedule.text), hold \(DurationText.format(schedule.hold)): \(schedule.reason)")
                }
            }
            return
        }
        if let report {
            let config = try target.config.load(checkFiles: false, secrets: .none)
            guard let service = target.service ?? (config.services.count == 1 ? config.services.first?.core.name : nil) else {
                throw ValidationError("name a service with --service: \(config.services.map(\.core.name).joined(separator: ", "))")
            }
            let history = IncidentHistory(folder: config.stateDirectory, logger: Logger(label: "vigil"))
            do {
                say(try DrillReports.json(service: service, which: report, history: history))
            } catch let missing as DrillReports.NotFound {
                printError("vigil: \(missing)")
                throw ExitCode(1)
            }
            return
        }
        guard let parsed = DurationText.parse(hold), parsed > .zero else {
            throw ValidationError("--hold takes a duration such as 30s or 5m, more than 0 and at most 720h (30 days), not '\(hold)'")
        }
        var request = target.request(.drill, dryRun: dryRun)
        request.holdSeconds = parsed.secondsValue
        request.whilePaused = whilePaused
        try await target.send(request, runWithoutDaemon: true)
    }
}
