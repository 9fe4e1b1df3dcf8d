import Foundation
import Testing
import VigilLab

/// Planned maintenance in the running agent: a window added with the CLI is said at its start,
/// holds the automatic failover of a primary that fails inside it (said once), lets an
/// operator's forced failover through, shows on the status document, and ends when cancelled.
@Suite struct MaintenanceEndToEndTests {
    @Test func aWindowHoldsTheAutomaticFailoverButNotTheOperators() async throws {
        try await AgentLab.with { lab in
            let agent = try await lab.startWatching()
            defer { agent.terminate() }
            let added = try await lab.vigil(["maintenance", "add", "--start", "now", "--duration", "10m", "--reason", "database upgrade"])
            #expect(added.status == 0 && added.output.contains("added m-1"), "\(added.output)")
            let started = try await lab.waitForMessage("maintenanceStarted")
            #expect((started["reason"] as? String)?.contains("database upgrade") == true)

            let original = try String(contentsOfFile: lab.balancer.upstreamFile, encoding: .utf8)
            try await lab.primary.setHealth(.refuse)
            let held = try await lab.waitForMessage("maintenanceHeld")
            #expect((held["reason"] as? String)?.contains("holds the automatic failover") == true, "\(held)")
            #expect(!AgentLab.kinds(lab.receiver.requests).contains("incidentStarted"), "no automatic failover inside")
            #expect(try String(contentsOfFile: lab.balancer.upstreamFile, encoding: .utf8) == original)

            let status = try await lab.vigil(["status", "--json"])
            #expect(
                status.output.contains("\"inForce\" : true") && status.output.contains("planned maintenance until"), "\(status.output.prefix(1_500))")
            let listed = try await lab.vigil(["maintenance", "list"])
            #expect(
                listed.output.contains("m-1  ") && listed.output.contains("UTC IN FORCE")
                    && listed.output.contains("every service: database upgrade"), "\(listed.output)")

            let forced = try await lab.vigil(["failover", "--force", "--reason", "the operator asked"])
            #expect(forced.status == 0, "\(forced.output)")
            #expect(await lab.servedByStandby())

            let cancelled = try await lab.vigil(["maintenance", "cancel", "m-1"])
            #expect(cancelled.status == 0 && cancelled.output.contains("it was in force and ends now"), "\(cancelled.output)")
            _ = try await lab.waitForMessage("maintenanceEnded")
        }
    }
}
