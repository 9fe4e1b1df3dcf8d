import Foundation
import VigilCore
import VigilLab

/// How often the default settings fail over when they should not: a primary whose health check
/// fails at random (its traffic fine), and one with short outages.
enum FalseFailoverBenchmark {
    struct Result: Encodable {
        var scenario: String
        var seconds: Double
        var healthChecks: Int
        var failovers: Int
        var notifications: Int
    }

    static func run(flakyDuration: Duration, outageDuration: Duration, output: String) async throws {
        var results: [Result] = []
        results.append(
            try await measure("health fails at random, p = 0.2", duration: flakyDuration) { primary, _ in
                try await primary.setHealth(.flaky(probability: 0.2, seed: 20_261_127))
            })
        results.append(
            try await measure("a 1.5 s outage every 30 s", duration: outageDuration) { primary, deadline in
                let clock = ContinuousClock()
                while clock.now + .seconds(30) <= deadline {
                    try await Task.sleep(for: .seconds(28.5))
                    try await primary.blip(for: .milliseconds(1_500))
                }
            })
        var table = Table(
            "False failovers at the default settings (interval 1s, fast 250ms, fall 3, rise 2, min failure 2s)",
            ["scenario", "duration", "health checks", "failovers", "notifications"])
        for result in results {
            table.add([result.scenario, seconds(result.seconds), "\(result.healthChecks)", "\(result.failovers)", "\(result.notifications)"])
        }
        table.print()
        try writeJSON(results, name: "false-failovers", folder: output)
    }

    /// Runs the agent for `duration` while `fault` shapes the primary's health; counts the
    /// incidents it opened and every message it sent.
    static func measure(
        _ scenario: String, duration: Duration,
        fault: @escaping @Sendable (LabHTTPBackend, ContinuousClock.Instant) async throws -> Void
    ) async throws -> Result {
        let primary = try await LabHTTPBackend.start(name: "primary")
        let standby = try LabStandby.prepare(startDelay: .seconds(1))
        let balancer = try await LabLoadBalancer.start(servers: ["127.0.0.1:\(primary.port)"])
        let receiver = try await LabWebhookReceiver.start()
        let agent = try BenchAgent.launch(
            .init(
                primaryHealthURLs: [primary.healthURL], primaryAddress: "127.0.0.1:\(primary.port)", standbyAddress: standby.address,
                standbyHealthURL: standby.healthURL, standbyStart: standby.startScript, upstreamFile: balancer.upstreamFile,
                nginxCommand: balancer.nginx.commandLine, verifyURL: balancer.url + "/", webhookURL: receiver.url(path: "/bench")))
        defer {
            agent.stop()
            balancer.stop()
            standby.stop()
        }
        try await agent.waitUntilWatching()
        say("false failovers: \(scenario) for \(DurationText.format(duration))")
        let before = primary.healthRequestsReceived
        let deadline = ContinuousClock.now + duration
        let shaping = Task { try await fault(primary, deadline) }
        try await Task.sleep(until: deadline)
        shaping.cancel()
        let checks = primary.healthRequestsReceived - before
        let failovers = (try agent.snapshot()?.incidentCount) ?? 0
        let notifications = receiver.requests.count
        await primary.stop()
        await receiver.stop()
        return Result(scenario: scenario, seconds: duration.secondsValue, healthChecks: checks, failovers: failovers, notifications: notifications)
    }
}
