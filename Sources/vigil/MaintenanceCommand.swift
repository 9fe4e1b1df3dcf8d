import ArgumentParser
import Foundation
import VigilAgent
import VigilCore

struct MaintenanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maintenance", abstract: "Plan maintenance: windows in which no automatic runbook starts.",
        discussion: """
            During a window Vigil keeps watching and saying what it sees, but no automatic failover \\
            or failback starts: a failure it holds back is said once, and acted on when the window \\
            ends if it still stands. What an operator asks still runs (failover --force, failback, a \\
            drill). That is the difference from `vigil pause`, which refuses every runbook until \\
            `vigil resume`. Windows are shown ahead of time on the status pages, and their start and \\
            end are said on the channels. The config's windows (`maintenance:`) are listed with the \\
            ones added here, which are kept in the state folder.
            """,
        subcommands: [Add.self, List.self, Cancel.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a window.")
        @OptionGroup var config: ConfigOptions
        @Option(help: "When it starts, in UTC: \"2026-12-08 02:00\", 2026-12-08T02:00Z, with an offset, or now.") var start: String
        @Option(help: "How long: 30m, 2h.") var duration: String
        @Option(help: "A service it covers (repeat for several; default every service).") var service: [String] = []
        @Option(help: "Why: shown to operators and in the messages (required).") var reason: String
        @Option(help: "What the public status page says of it.") var publicText: String?

        func run() async throws {
            guard let begin = MaintenanceWindow.parseStart(start) else {
                throw ValidationError("--start: expected a time in UTC like \"2026-12-08 02:00\" or 2026-12-08T02:00Z, or now")
            }
            guard let length = DurationText.parse(duration) else { throw ValidationError("--duration: expected a duration like 30m or 2h") }
            let request = MaintenanceRequest(
                action: .add, start: begin.timeIntervalSince1970, durationSeconds: length.secondsValue, services: service,
                publicText: publicText)
            try await send(request, reason: reason, config: config)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the windows that have not ended.")
        @OptionGroup var config: ConfigOptions
        func run() async throws { try await send(MaintenanceRequest(action: .list), reason: "", config: config) }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a window added at run time (one in force ends now).")
        @OptionGroup var config: ConfigOptions
        @Argument(help: "Its id, as `vigil maintenance list` shows it (m-N).") var id: String
        func run() async throws { try await send(MaintenanceRequest(action: .cancel, id: id), reason: "", config: config) }
    }

    /// To the daemon, which starts and ends windows at once; with no daemon, to the state
    /// folder directly (the daemon reads it when it starts).
    static func send(_ maintenance: MaintenanceRequest, reason: String, config options: ConfigOptions) async throws {
        let config = try options.load(checkFiles: false, secrets: .none)
        var request = ControlRequest(command: .maintenance, reason: reason)
        request.maintenance = maintenance
        do {
            if try !ControlClient.send(request, to: config.controlSocket, line: { say($0) }) { throw ExitCode(1) }
        } catch let failure as ControlClient.Failure where failure.isNoDaemon {
            say("vigil: no daemon is running; using \(config.maintenanceBook.store.path) directly")
            let who = "\(NSUserName()) (uid \(getuid()))"
            if !config.maintenanceBook.carryOut(maintenance, reason: reason, by: who, say: { say($0) }) { throw ExitCode(1) }
        } catch let failure as ControlClient.Failure {
            printError("\(failure)")
            throw ExitCode(1)
        } catch let mismatch as ControlProtocol.Mismatch {
            printError("the daemon at \(config.controlSocket): \(mismatch)")
            throw ExitCode(1)
        }
    }
}
