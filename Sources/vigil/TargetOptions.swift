import ArgumentParser
import Foundation
import Logging
import VigilAgent

/// Options every operator command shares, and the way to the daemon.
struct TargetOptions: ParsableArguments {
    @OptionGroup var config: ConfigOptions
    @Option(help: "The service, when several are configured.") var service: String?
    @Flag(help: "Every configured service.") var all = false
    @Option(help: "Why, for the incident's timeline and the audit trail.") var reason = ""

    func request(
        _ command: ControlCommand, dryRun: Bool = false, skipGate: Bool = false, pauseSeconds: Double? = nil,
        json: Bool = false
    ) -> ControlRequest {
        ControlRequest(
            command: command, service: service, all: all, dryRun: dryRun, skipGate: skipGate, reason: reason,
            pauseSeconds: pauseSeconds, json: json)
    }

    /// Sends a request to the daemon and prints its lines; exits 1 when it failed, 69 with no
    /// daemon (unless `runWithoutDaemon`: then this process carries it out under the run lock).
    func send(_ request: ControlRequest, runWithoutDaemon: Bool = false) async throws {
        // Talking to the daemon needs only the socket's path: no secret is resolved.
        let agentConfig = try config.load(checkFiles: false, secrets: .none)
        do {
            let ok = try ControlClient.send(request, to: agentConfig.controlSocket) { say($0) }
            if !ok { throw ExitCode(1) }
        } catch let mismatch as ControlProtocol.Mismatch {
            printError("vigil: the daemon at \(agentConfig.controlSocket): \(mismatch)")
            throw ExitCode(1)
        } catch let failure as ControlClient.Failure {
            guard case .noDaemon = failure, runWithoutDaemon else {
                printError("\(failure)")
                throw ExitCode(failure.isNoDaemon ? 69 : 1)
            }
            try await runHere(request, agentConfig)
        }
    }

    /// Without a daemon, this process watches every service and sends their messages: it
    /// resolves the secrets of the channels the services notify, and checks the files it uses.
    private func runHere(_ request: ControlRequest, _ daemonConfig: AgentConfig) async throws {
        let agentConfig = try config.load(secrets: .channels(Set(daemonConfig.services.flatMap(\.channelNames))))
        say("vigil: no daemon is running; running the \(request.command.rawValue) here, under the run lock")
        bootstrapLogging(.warning)
        let ok: Bool
        do {
            ok = try await Agent.runOnce(request, config: agentConfig, logger: Logger(label: "vigil")) { say($0) }
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        if !ok { throw ExitCode(1) }
    }
}

/// One line to stdout at once, unbuffered: each step shows as it happens, also through a pipe.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
