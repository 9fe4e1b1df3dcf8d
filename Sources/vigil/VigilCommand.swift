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
