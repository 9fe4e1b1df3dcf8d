import Foundation
import Testing
import VigilLab

/// The public status page of a running agent, on its own listener: the services by display name,
/// an incident in the plan's words, planned maintenance ahead of time and in force, headers fit
/// for a reverse proxy, its JSON valid against docs/public-status.schema.json, nothing internal
/// (addresses, checks, causes, reasons) on either, and both pages in headless Chromium.
@Suite struct PublicStatusEndToEndTests {
    static let publicSchema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/public-status.schema.json").path
    static let internalReason = "CANARY-internal-maintenance-reason"

    static func config(_ lab: AgentLab) -> String {
        lab.config(withServiceLines: "    display_name: Checkout\n")
            .replacingOccurrences(of: "status:\n  listen: 127.0.0.1:0\n", with: "status:\n  listen: 127.0.0.1:0\n  public_listen: 127.0.0.1:0\n")
            + "organization: REChain DAO\n"
    }

    /// What must never be on the public page: the lab's addresses, its internal names and words.
    static func leaks(_ text: String, _ lab: AgentLab) -> [String] {
        let internals = [
            "127.0.0.1", "\(lab.primary.port)", lab.standby.address, "shop", "refused", "standby", "primary", internalReason, "lb1",
            "/health", "vigil-test",
        ]
        return internals.filter { text.contains($0) }
    }

    static func validate(_ json: String, _ name: String, in folder: LabFolder) async throws {
        try folder.write("public-\(name).json", json)
        let script = "import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1]))); print('valid')"
        let (status, output) = try await LabProcess.run(
            StatusEndpointTests.python, ["-c", script, publicSchema, folder.file("public-\(name).json")], check: false)
        #expect(status == 0 && output.contains("valid"), "the \(name) document breaks the public schema: \(output)\n\(json)")
    }

    @Test func thePublicPageShowsAnIncidentAndMaintenanceAndNothingInternal() async throws {
        try await AgentLab.with(overSSH: false, startDelay: .seconds(12), statusListener: true) { lab in
            let agent = try await lab.startWatching(config: Self.config(lab))
            defer { agent.terminate() }
            try await LabWait.until("the public listener", timeout: .seconds(20)) { !lab.publicStatusURL.isEmpty }
            let base = lab.publicStatusURL

            let calm = try await StatusEndpointTests.fetch(base + "/")
            #expect(calm.status == 200 && calm.body.contains("All systems operational") && calm.body.contains("Checkout"), "\(calm.body)")
            let head = calm.head.lowercased()
            for header in [
                "cache-control: public, max-age=10, must-revalidate", "content-security-policy: default-src 'none'",
                "x-content-type-options: nosniff", "x-frame-options: deny", "referrer-policy: no-referrer",
            ] {
                #expect(head.contains(header), "\(header) in \(calm.head)")
            }
            #expect(try await StatusEndpointTests.fetch(base + "/", method: "POST").status == 405)
            #expect(try await StatusEndpointTests.fetch(base + "/metrics").status == 404, "the operators' routes are not there")

            // Planned maintenance ahead of time, then in force.
            let ahead = try await lab.vigil([
                "maintenance", "add", "--start", "2030-01-08 02:00", "--duration", "2h", "--reason", Self.internalReason,
                "--public-text", "Checkout may be slow for a few minutes",
            ])
            #expect(ahead.status == 0, "\(ahead.output)")
            let planned = try await StatusEndpointTests.fetch(base + "/status.json").body
            #expect(planned.contains("Tue 2030-01-08 02:00–04:00 UTC") && planned.contains("Checkout may be slow"), "\(planned)")
            try await Self.validate(planned, "planned", in: lab.folder)
            _ = try await lab.vigil(["maintenance", "add", "--start", "now", "--duration", "10m", "--reason", Self.internalReason])
            _ = try await lab.waitForMessage("maintenanceStarted")
            let inForce = try await StatusEndpointTests.fetch(base + "/status.json").body
            #expect(inForce.contains("\"overall\" : \"maintenance\""), "\(inForce)")
            try await Self.validate(inForce, "maintenance", in: lab.folder)
            let maintenancePage = try await StatusEndpointTests.render(lab, "public-maintenance", url: base + "/")
            #expect(maintenancePage.contains("Planned maintenance in progress"), "\(maintenancePage.prefix(2_000))")
            _ = try await StatusEndpointTests.render(lab, "internal-maintenance")
            #expect(Self.leaks(inForce + maintenancePage, lab) == [])
            _ = try await lab.vigil(["maintenance", "cancel", "m-2"])
            _ = try await lab.waitForMessage("maintenanceEnded")

            // An incident: the standby takes 12 s to start, so the failover is open a while.
            try await lab.primary.setHealth(.refuse)
            _ = try await lab.waitForMessage("incidentStarted")
            let during = try await StatusEndpointTests.fetch(base + "/status.json").body
            #expect(during.contains("\"state\" : \"investigating\"") && during.contains("REChain DAO Incident Alert"), "\(during)")
            try await Self.validate(during, "incident", in: lab.folder)
            let incidentPage = try await StatusEndpointTests.render(lab, "public-incident", url: base + "/")
            #expect(
                incidentPage.contains("We are currently experiencing a technical issue that may affect Checkout"), "\(incidentPage.prefix(2_000))")
            _ = try await StatusEndpointTests.render(lab, "internal-incident")
            #expect(Self.leaks(during + incidentPage, lab) == [])
            _ = try await lab.waitForMessage("incidentResolved", timeout: .seconds(60))
            let after = try await StatusEndpointTests.fetch(base + "/status.json").body
            #expect(after.contains("\"state\" : \"resolved\"") && after.contains("\"overall\" : \"operational\""), "\(after)")
            try await Self.validate(after, "resolved", in: lab.folder)
            #expect(Self.leaks(after, lab) == [])
        }
    }
}
