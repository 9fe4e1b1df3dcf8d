import Logging
import ServiceLifecycle
import UnixSignals
import VigilStatus

/// `vigil run` as a swift-service-lifecycle service: the agent runs until the service group
/// shuts down gracefully (SIGTERM, SIGINT), which lets a runbook in flight finish; SIGHUP rereads
/// the config, and a valid one replaces the running agent while an invalid one is reported and
/// the old one kept. The status listener (when on) runs beside it for the whole process: its
/// address is read at start only.
public struct AgentService: Service {
    let configPath: String
    let initialConfig: AgentConfig
    let logger: Logger

    public init(configPath: String, config: AgentConfig, logger: Logger) {
        self.configPath = configPath
        initialConfig = config
        self.logger = logger
    }

    private enum Wake: Sendable {
        case hangup
        case shutdown
        /// The agent of this generation ended by itself (an error): a stale one is told apart.
        case agentEnded(generation: Int)
    }

    public func run() async throws {
        let (wakes, wake) = AsyncStream.makeStream(of: Wake.self)
        let hangups = Task {
            for await _ in await UnixSignalsSequence(trapping: .sighup) { wake.yield(.hangup) }
        }
        defer { hangups.cancel() }
        let board = StatusBoard()
        let listeners = [(initialConfig.statusListen, StatusServer.Audience.operators), (initialConfig.statusPublicListen, .public)]
            .compactMap { address, audience in
                address.map { address in
                    Task { [logger] in
                        do {
                            try await StatusServer(host: address.host, port: address.port, board: board, audience: audience, logger: logger)
                                .run()
                        } catch {
                            // Failing over matters more than the page: the agent runs on without it.
                            logger.error("the \(audience.rawValue) status listener on \(address.host):\(address.port) failed: \(error)")
                        }
                    }
                }
            }
        defer { for listener in listeners { listener.cancel() } }
        try await withGracefulShutdownHandler {
            var config = initialConfig
            // After a SIGHUP, the config that ran before: the new one may still fail as it starts
            // (a socket folder it cannot create, say), and then the old one runs again.
            var previous: AgentConfig?
            for generation in 1... {
                let running = config
                let agent = Task {
                    defer { wake.yield(.agentEnded(generation: generation)) }
                    try await Agent.run(config: running, logger: logger, board: board)
                }
                var reload = false
                waiting: for await event in wakes {
                    switch event {
                    case .shutdown:
                        break waiting
                    case .agentEnded(let ended):
                        if ended == generation { break waiting }
                    case .hangup:
                        do {
                            config = try AgentConfig.load(path: configPath)
                            logger.notice("SIGHUP: \(configPath) is valid; restarting the services with it")
                            previous = running
                            reload = true
                            break waiting
                        } catch {
                            logger.error("SIGHUP: keeping the running config: \(error)")
                        }
                    }
                }
                agent.cancel()
                do {
                    try await agent.value
                } catch {
                    guard let fallback = previous else { throw error }
                    logger.error("SIGHUP: the new config could not start (\(error)); running the previous one again")
                    config = fallback
                    previous = nil
                    continue
                }
                if !reload { return }
            }
        } onGracefulShutdown: { [logger] in
            logger.debug("graceful shutdown: stopping the agent")
            wake.yield(.shutdown)
        }
    }
}
