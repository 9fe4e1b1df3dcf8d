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

            Exit codes: 0 success; 1 a runtime failure; 64 a usage error; 78 a config error.
            """,
        version: VigilVersion.current,
        subcommands: [Run.self, ConfigCommand.self]
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
        discussion: "Logs go to stderr. SIGTERM or SIGINT stops it; a runbook in flight is left in the saved state and resumed at the next start."
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
        let config = try options.load()
        signal(SIGPIPE, SIG_IGN)
        let agent = Task { try await Agent.run(config: config, logger: logger) }
        let signals = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
            source.setEventHandler { agent.cancel() }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }
        try await agent.value
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
