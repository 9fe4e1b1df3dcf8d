import ArgumentParser
import Foundation
import Logging
import VigilAgent
import VigilNotify

struct NotifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify", abstract: "Work with notification channels.",
        subcommands: [Test.self])

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a test message to every channel (or one) now and say how each went.",
            discussion: "Straight to the receiver, not through the outbox; exits 1 when one was not delivered. URLs are never printed.")
        @OptionGroup var options: ConfigOptions
        @Option(help: "Only this channel.") var channel: String?

        func run() async throws {
            let config = try options.load(secrets: channel.map { .channels([$0]) } ?? .all)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-notify-test-\(getpid())").path
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let notifier = try Notifier(
                stateDirectory: folder, channels: config.channels, agentHost: ProcessInfo.processInfo.hostName,
                logger: Logger(label: "vigil"))
            let results = await notifier.sendTest(to: channel.map { [$0] } ?? [], at: Agent.wallClockNow())
            if results.isEmpty { print("no channels are configured") }
            for result in results { print("\(result.delivered ? "ok  " : "FAIL") \(result.channel): \(result.result)") }
            if results.contains(where: { !$0.delivered }) { throw ExitCode(1) }
        }
    }
}
