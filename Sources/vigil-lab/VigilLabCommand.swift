import ArgumentParser
import Foundation
import VigilCore
import VigilLab

@main
struct VigilLabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil-lab",
        abstract: "Loopback lab servers for Vigil's tests, benchmarks and demo.",
        subcommands: [Demo.self, Backend.self]
    )
}

struct Backend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run an HTTP backend on 127.0.0.1 until terminated (the lab's standby service).",
        discussion: "`/` names the backend; `/health` answers by the mode. Writes its PID first, then waits out the start delay, then listens."
    )

    @Option(help: "The name `/` answers with.") var name = "standby"
    @Option(help: "The port on 127.0.0.1.") var port: Int
    @Option(help: "ok, status:N, hang, slow:DURATION, flaky:P[:SEED], garbage or huge.") var mode = "ok"
    @Option(help: "How long to wait before listening, like a service that starts slowly (e.g. 1s).") var startDelay = "0s"
    @Option(help: "Where to write this process's PID.") var pidFile: String?
    @Option(help: "Exit after this long even if nobody stopped it, so a forgotten lab cannot linger.") var maxLifetime = "6h"
    @Option(help: "The test run that started it, so the suite can find it if it outlives the run.") var labRun = ""

    func run() async throws {
        guard let health = HealthMode(mode) else { throw ValidationError("unknown mode '\(mode)'") }
        guard let delay = DurationText.parse(startDelay), let lifetime = DurationText.parse(maxLifetime) else {
            throw ValidationError("bad duration in --start-delay or --max-lifetime")
        }
        if let pidFile {
            try "\(getpid())\n".write(toFile: pidFile, atomically: true, encoding: .utf8)
        }
        try await Task.sleep(for: delay)
        let backend = try await LabHTTPBackend.start(name: name, port: port, mode: health)
        print("\(name) listening on \(backend.url)")
        // Serves until SIGTERM ends the process (the lab stops it by the PID written above).
        try await Task.sleep(for: lifetime)
        await backend.stop()
    }
}
