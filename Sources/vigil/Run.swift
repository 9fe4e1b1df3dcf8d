import ArgumentParser
import Dispatch
import Foundation
import Logging
import VigilAgent

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Watch every configured service and fail over when one really fails (the daemon).",
        discussion: """
            Logs go to stderr. SIGTERM or SIGINT stops it: a runbook in flight gets up to \
            shutdown_grace (default 60s) to finish or roll back; past that, the saved state resumes it \
            at the next start. SIGHUP reads the config again: a valid one replaces the running one the \
            same way; an invalid one is reported and the old one kept. Only one `vigil run` (or \
            one-off `vigil failover`) holds the run lock in state_dir at a time.
            """
    )

    @OptionGroup var options: ConfigOptions
    @Option(help: "trace, debug, info, notice, warning, error or critical.") var logLevel = "info"

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else { throw ValidationError("unknown log level \(logLevel)") }
        bootstrapLogging(level)
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
        // The agent's task says it ended by itself (an error) through the same stream, as the
        // negative of its generation, so a stale word from a replaced agent is told apart.
        for generation in 1... {
            let running = config
            let agent = Task {
                defer { continuation.yield(-Int32(generation)) }
                try await Agent.run(config: running, logger: logger)
            }
            var reload = false
            for await number in signals {
                if number < 0 {
                    guard number == -Int32(generation) else { continue }
                    break
                }
                if number != SIGHUP {
                    logger.notice("signal \(number): stopping")
                    break
                }
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
            do {
                try await agent.value
            } catch {
                printError("\(error)")
                throw ExitCode(1)
            }
            if !reload { return }
        }
    }
}

func bootstrapLogging(_ level: Logger.Level) {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = level
        return handler
    }
}
