import Foundation
import VigilCore
import VigilLab

/// What one quietly watched service costs: one health check a second.
enum IdleBenchmark {
    struct Result: Encodable {
        var seconds: Double
        var cpuShareOfOneCore: Double
        var rssBytes: Int
        var peakRSSBytes: Int
        var anonymousBytes: Int
    }

    static func run(duration: Duration, output: String) async throws {
        let primary = try await LabHTTPBackend.start(name: "primary")
        let folder = try LabFolder(prefix: "bench-idle")
        defer { folder.remove() }
        try folder.write("upstream.conf", "upstream vigil_app {\n    server 127.0.0.1:\(primary.port);\n}\n")
        let agent = try BenchAgent.launch(
            .init(
                primaryHealthURLs: [primary.healthURL], primaryAddress: "127.0.0.1:\(primary.port)", standbyAddress: "127.0.0.1:9",
                standbyHealthURL: "http://127.0.0.1:9/health", standbyStart: "true", upstreamFile: folder.file("upstream.conf")))
        defer { agent.stop() }
        try await agent.waitUntilWatching()
        try await Task.sleep(for: .seconds(3))
        say("idle: one service for \(DurationText.format(duration))")
        guard let start = ProcessSample.of(agent.process.pid) else { throw LabError.notReady("vigil", log: agent.log) }
        let clock = ContinuousClock.now
        try await Task.sleep(for: duration)
        guard let end = ProcessSample.of(agent.process.pid) else { throw LabError.notReady("vigil", log: agent.log) }
        let elapsed = clock.duration(to: .now).secondsValue
        await primary.stop()
        let result = Result(
            seconds: elapsed, cpuShareOfOneCore: (end.cpuSeconds - start.cpuSeconds) / elapsed, rssBytes: end.rssBytes,
            peakRSSBytes: end.peakRSSBytes, anonymousBytes: end.anonymousBytes)
        var table = Table("Idle: one service, one check a second", ["duration", "CPU (one core)", "RSS", "peak RSS", "of it private (anonymous)"])
        table.add([
            seconds(elapsed), percent(result.cpuShareOfOneCore), megabytes(result.rssBytes), megabytes(result.peakRSSBytes),
            megabytes(result.anonymousBytes),
        ])
        table.print()
        try writeJSON(result, name: "idle", folder: output)
    }
}
