import ArgumentParser
import Dispatch
import Foundation
import Logging
import VigilAgent
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

            Operator commands (status, failover, failback, pause, resume, ack, retry) go to the running \
            daemon over its control socket (see control_socket in the config).

            Exit codes: 0 success; 1 the command failed or was refused; 64 a usage error; \
            69 no daemon is running; 78 a config error.
            """,
        version: VigilVersion.current,
        subcommands: [Run.self, Status.self, Failover.self, Failback.self, Pause.self, Resume.self, Acknowledge.self, Retry.self,
                      ConfigCommand.self]
    )
}

struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "The config file.") var config = "/etc/vigil/vigil.yaml"

    func load(checkFiles: Bool = true) throws -> AgentConfig {
        do {
            return try AgentConfig.load(path: config, checkFiles: checkFiles)
        } catch {
            FileHandle.standardError.write(Data("vigil: \(error)\n".utf8))
            throw ExitCode(78)
        }
    }
}

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Watch every configured service and fail over when one really fails (the daemon).",
        discussion: """
            Logs go to stderr. SIGTERM or SIGINT stops it; a runbook in flight stays in the saved state \
            and is resumed (or rolled back) at the next start. SIGHUP reads the config again: a valid \
            one replaces the running one the same way; an invalid one is reported and the old one kept.
            """
    )

    @OptionGroup var options: ConfigOptions
    @Option(help: "trace, debug, info, notice, warning, error or critical.") var logLevel = "info"

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else { throw ValidationError("unknown log level \(logLevel)") }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "vigil")
        var config = try options.load()
        signal(SIGPIPE, SIG_IGN)
        let (signals, continuation) = AsyncStream.makeStream(of: Int32.self)
        let sources = [SIGTERM, SIGINT, SIGHUP].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }
        while true {
            let running = config
            let agent = Task { try await Agent.run(config: running, logger: logger) }
            var reload = false
            for await number in signals {
                if number != SIGHUP { break }
                do {
                    config = try AgentConfig.load(path: options.config)
                    logger.notice("SIGHUP: \(options.config) is valid; restarting the services with it")
                    reload = true
                    break
                } catch {
                    logger.error("SIGHUP: keeping the running config: \(error)")
                }
            }
            agent.cancel()
            try await agent.value
            if !reload { return }
        }
    }
}

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "config", abstract: "Work with the config file.",
                                                    subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read and check the config, like `nginx -t`; exit 78 with FILE:LINE:COLUMN: KEY: problem when it is wrong.")

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let config = try options.load()
            print("vigil: \(options.config) is valid: \(config.services.count) service(s), \(config.channels.count) channel(s)")
        }
    }
}

/// Options every operator command shares.
struct TargetOptions: ParsableArguments {
    @OptionGroup var config: ConfigOptions
    @Option(help: "The service, when several are configured.") var service: String?
    @Flag(help: "Every configured service.") var all = false
    @Option(help: "Why, for the incident's timeline and the audit trail.") var reason = ""

    /// Sends a request to the daemon and prints its lines; exits 1 when it failed, 69 with no daemon.
    func send(_ command: String, dryRun: Bool = false, skipGate: Bool = false, pauseSeconds: Double? = nil) throws {
        let agentConfig = try config.load(checkFiles: false)
        let request = ControlRequest(command: command, service: service, all: all, dryRun: dryRun, skipGate: skipGate,
                                     reason: reason, pauseSeconds: pauseSeconds)
        do {
            let ok = try ControlClient.send(request, to: agentConfig.controlSocket) { print($0.text) }
            if !ok { throw ExitCode(1) }
        } catch let failure as ControlClient.Failure {
            FileHandle.standardError.write(Data("vigil: \(failure)\n".utf8))
            if case .noDaemon = failure { throw ExitCode(69) }
            throw ExitCode(1)
        }
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show each service's phase, what the load balancers serve, and health.")
    @OptionGroup var target: TargetOptions
    func run() throws { try target.send("status") }
}

struct Failover: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Move traffic to the standby now, through the standby's health gate.",
        discussion: "Prints each step as it happens and exits 0 when traffic moved, 1 when the runbook failed or was refused.")
    @OptionGroup var target: TargetOptions
    @Flag(help: "Required: this skips hysteresis and the cooldown.") var force = false
    @Flag(help: "Print the plan and change nothing.") var dryRun = false
    @Flag(help: "Skip the standby's health gate too (loud in the output, the log and the messages).") var skipGate = false

    func validate() throws {
        guard force || dryRun else { throw ValidationError("a failover by hand needs --force (or --dry-run to see the plan)") }
    }

    func run() throws { try target.send("failover", dryRun: dryRun, skipGate: skipGate) }
}

struct Failback: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Move traffic back to the primary now, through its health gate.")
    @OptionGroup var target: TargetOptions
    @Flag(help: "Print the plan and change nothing.") var dryRun = false
    @Flag(help: "Skip the primary's health gate (loud).") var skipGate = false
    func run() throws { try target.send("failback", dryRun: dryRun, skipGate: skipGate) }
}

struct Pause: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Maintenance: keep watching and reporting, never act.")
    @OptionGroup var target: TargetOptions
    @Option(name: .customLong("for"), help: "Resume by itself after this long (e.g. 2h).") var duration: String?
    func run() throws {
        var seconds: Double?
        if let duration {
            guard let parsed = DurationText.parse(duration) else { throw ValidationError("bad duration '\(duration)'") }
            seconds = parsed.secondsValue
        }
        try target.send("pause", pauseSeconds: seconds)
    }
}

struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "End a pause.")
    @OptionGroup var target: TargetOptions
    func run() throws { try target.send("resume") }
}

struct Acknowledge: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ack", abstract: "Clear a flap-budget hold.")
    @OptionGroup var target: TargetOptions
    func run() throws { try target.send("ack") }
}

struct Retry: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Retry a stuck runbook now.")
    @OptionGroup var target: TargetOptions
    func run() throws { try target.send("retry") }
}
