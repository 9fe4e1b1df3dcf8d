import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
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
        let config = try options.load(secrets: .all)
        signal(SIGPIPE, SIG_IGN)
        switch DescriptorLimit.raiseToHard() {
        case .success(let limit): logger.info("open-file limit \(limit.soft) (hard \(limit.hard))")
        case .failure(let error): logger.warning("\(error); running with the limit as it is")
        }
        let agent = AgentService(configPath: options.config, config: config, logger: logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: agent, serviceName: "vigil")], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            printError("\(error)")
            throw ExitCode(1)
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
