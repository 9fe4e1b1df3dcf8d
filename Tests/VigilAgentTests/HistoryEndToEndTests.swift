import Foundation
import Testing
import VigilLab

/// The pictures of a running agent: a lab incident shows in the uptime bar and the sparkline
/// where it happened, in /status.json's series, and still after a restart.
@Suite struct HistoryEndToEndTests {
    static func series(_ json: String, _ name: String) throws -> [String: Any] {
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8))
        let document = try #require(parsed as? [String: Any], "not a document: \(json.prefix(500))")
        let service = try #require((document["services"] as? [[String: Any]])?.first)
        return try #require((service["history"] as? [[String: Any]])?.first { $0["name"] as? String == name }, "\(service.keys)")
    }

    static func sum(_ series: [String: Any], _ key: String) -> Int { (series[key] as? [Int] ?? []).reduce(0, +) }

    @Test func aLabIncidentShowsWhereItHappenedAndSurvivesARestart() async throws {
        try await AgentLab.with(overSSH: false, statusListener: true) { lab in
            let agent = try await lab.startWatching()
            try await lab.primary.setHealth(.refuse)
            _ = try await lab.waitForMessage("incidentResolved", timeout: .seconds(60))
            try await LabWait.until("the status listener", timeout: .seconds(20)) { !lab.statusURL.isEmpty }
            let json = try await StatusEndpointTests.fetch(lab.statusURL + "/status.json").body  // the agent runs: 200
            let primary = try Self.series(json, "primary")
            let served = try Self.series(json, "served")
            let failures = Self.sum(primary, "spanFailures")
            #expect(failures >= 3, "the failed checks before the failover: \(failures)")
            #expect((primary["dayFailures"] as? [Int])?.last == failures, "today's cell holds them")
            #expect((primary["spanFailures"] as? [Int])?.suffix(2).reduce(0, +) == failures, "in the last ten minutes, where they happened")
            #expect(Self.sum(served, "spanFailures") >= 3, "what users got: the primary's failures while it was named")
            try await StatusEndpointTests.validate(json, phase: "history", in: lab.folder)
            let page = try await StatusEndpointTests.fetch(lab.statusURL + "/").body
            #expect(
                page.contains("failed checks in 10 minutes</title>") || page.contains("failed check in 10 minutes</title>"), "the sparkline marks it")
            #expect(page.contains("% available ("), "the uptime bar's cell for today")

            agent.terminate()  // SIGTERM: the history is saved as the agent stops
            #expect(agent.waitForExit(within: .seconds(30)))
            #expect(FileManager.default.fileExists(atPath: lab.folder.file("state/shop.availability.json")))
            try lab.folder.write("vigil.log", "")
            let again = try lab.launchAgent()
            defer { again.terminate() }
            // The listener answers 503 until the agent behind it has started: wait for its document.
            var restarted = ""
            try await LabWait.until("the status document after the restart", timeout: .seconds(30), interval: .milliseconds(200)) {
                guard !lab.statusURL.isEmpty else { return false }
                let fetched = try await StatusEndpointTests.fetch(lab.statusURL + "/status.json")
                restarted = fetched.body
                return fetched.status == 200
            }
            #expect(Self.sum(try Self.series(restarted, "primary"), "spanFailures") >= failures, "kept across the restart")
        }
    }
}
