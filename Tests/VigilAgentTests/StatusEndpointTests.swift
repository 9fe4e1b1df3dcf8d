import Foundation
import Testing
import VigilCore
import VigilLab
import VigilStatus

/// The agent's HTTP listener, fetched from a running agent over loopback: the status page,
/// `/status.json` against the hand-written schema in every phase, `/metrics` through promtool,
/// `/healthz`, methods other than GET and HEAD refused, the page in headless Chromium, and
/// systemd's notify protocol through a fake NOTIFY_SOCKET.
@Suite struct StatusEndpointTests {
    static let curl = "/usr/bin/curl"
    static let python = "/usr/bin/python3"
    static let promtool = "/usr/bin/promtool"
    static let chromium = "/usr/bin/chromium"
    static let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/status.schema.json").path

    struct Fetched {
        var status: Int
        var head: String
        var body: String
    }

    /// One request with curl: the status code, the response head and the body.
    static func fetch(_ url: String, method: String = "GET") async throws -> Fetched {
        try LabProcess.require(curl, package: "curl")
        let arguments = method == "HEAD" ? ["-sS", "-I", url] : ["-sS", "-X", method, "-D", "-", url]
        let (status, output) = try await LabProcess.run(curl, arguments, timeout: .seconds(20), check: false)
        guard status == 0, let split = output.range(of: "\r\n\r\n") else { return Fetched(status: 0, head: output, body: "") }
        let head = String(output[..<split.lowerBound])
        let code = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return Fetched(status: code, head: head, body: String(output[split.upperBound...]))
    }

    /// Validates a document against docs/status.schema.json with Debian's python3-jsonschema.
    static func validate(_ json: String, phase: String, in folder: LabFolder) async throws {
        try LabProcess.require(python, package: "python3-jsonschema")
        try folder.write("status-\(phase).json", json)
        let script = "import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1]))); print('valid')"
        let (status, output) = try await LabProcess.run(python, ["-c", script, schema, folder.file("status-\(phase).json")], check: false)
        #expect(status == 0 && output.contains("valid"), "the \(phase) document breaks the schema: \(output)\n\(json)")
    }

    static func phase(of json: String) -> String? {
        let document = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        return ((document?["services"] as? [[String: Any]])?.first)?["phase"] as? String
    }

    /// The facts that do not change from one fetch to the next: overall, and per service its
    /// phase, active side, load balancers and recent incident ids.
    static func summary(of json: String) -> String {
        guard let document = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return "not JSON" }
        let services = (document["services"] as? [[String: Any]] ?? []).map { service in
            let incidents = (service["recentIncidents"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            return "\(service["name"] ?? "") \(service["phase"] ?? "") \(service["activeSide"] ?? "") \(incidents)"
        }
        return "\(document["overall"] ?? "") \(services)"
    }

    /// Waits until /status.json says `phase`, and returns that document.
    static func document(in phase: String, from lab: AgentLab, timeout: Duration = .seconds(60)) async throws -> String {
        var last = ""
        do {
            try await LabWait.until("/status.json to say \(phase)", timeout: timeout, interval: .milliseconds(100)) {
                last = try await fetch(lab.statusURL + "/status.json").body
                return Self.phase(of: last) == phase
            }
        } catch {
            Issue.record("last document: \(last)\n\(lab.folder.read("vigil.log").suffix(2_000))")
            throw error
        }
        return last
    }

    @Test func everyEndpointAnswersAndTheDocumentMatchesItsSchemaInEveryPhase() async throws {
        try await AgentLab.with(overSSH: false, startDelay: .seconds(3), statusListener: true) { lab in
            let agent = try await lab.startWatching()
            defer { agent.terminate() }
            try await Self.validate(try await Self.document(in: "primaryActive", from: lab), phase: "primaryActive", in: lab.folder)

            let page = try await Self.fetch(lab.statusURL + "/")
            #expect(page.status == 200 && page.head.lowercased().contains("content-type: text/html"))
            #expect(page.body.contains("All systems operational") && page.body.contains("<meta http-equiv=\"refresh\""), "\(page.body)")
            let health = try await Self.fetch(lab.statusURL + "/healthz")
            #expect(health.status == 200 && health.body == "ok\n")
            let head = try await Self.fetch(lab.statusURL + "/status.json", method: "HEAD")
            #expect(head.status == 200 && head.body.isEmpty, "HEAD: \(head)")
            for method in ["POST", "PUT", "DELETE", "PATCH"] {
                let refused = try await Self.fetch(lab.statusURL + "/status.json", method: method)
                #expect(refused.status == 405 && refused.head.lowercased().contains("allow: get, head"), "\(method): \(refused.head)")
            }
            let refusedAction = try await Self.fetch(lab.statusURL + "/failover", method: "POST")
            #expect(refusedAction.status == 405)

            try await lab.primary.setHealth(.refuse)
            let during = try await Self.document(in: "failingOver", from: lab)
            try await Self.validate(during, phase: "failingOver", in: lab.folder)
            #expect(during.contains("\"overall\" : \"outage\""), "\(during)")
            let after = try await Self.document(in: "secondaryActive", from: lab)
            try await Self.validate(after, phase: "secondaryActive", in: lab.folder)
            #expect(after.contains("\"recentIncidents\" : [\n") && after.contains("\"id\" : \"shop-1\""), "\(after)")

            let (cliStatus, cli) = try await lab.vigil(["status", "--json"])
            #expect(cliStatus == 0)
            let served = try await Self.fetch(lab.statusURL + "/status.json").body
            #expect(Self.summary(of: cli) == Self.summary(of: served), "the CLI prints the same document:\n\(cli)\n\(served)")
            #expect(Self.summary(of: cli).contains("secondaryActive"))

            let metrics = try await Self.fetch(lab.statusURL + "/metrics")
            #expect(metrics.status == 200 && metrics.head.contains("version=0.0.4"))
            for name in [
                "vigil_build_info", "vigil_probe_duration_seconds_bucket", "vigil_probe_results_total", "vigil_backend_up",
                "vigil_service_phase{phase=\"secondaryActive\",service=\"shop\"} 1",
                "vigil_runbooks_total{kind=\"failover\",result=\"succeeded\",service=\"shop\"} 1",
                "vigil_runbook_step_duration_seconds_count{service=\"shop\",step=\"switch\"} 1",
                "vigil_last_incident_time_to_recover_seconds", "vigil_notifications_total{channel=\"hooks\",result=\"delivered\"}",
            ] {
                #expect(metrics.body.contains(name), "\(name) in /metrics")
            }
            try LabProcess.require(Self.promtool, package: "prometheus")
            try lab.folder.write("metrics.txt", metrics.body)
            let (lint, lintOutput) = try await LabProcess.run(
                "/bin/sh", ["-c", "\(Self.promtool) check metrics < \(lab.folder.file("metrics.txt"))"],
                check: false)
            #expect(lint == 0, "promtool: \(lintOutput)")

            let paused = try await lab.vigil(["pause", "--for", "1h", "--reason", "kernel upgrade"])
            #expect(paused.status == 0, "\(paused.output)")
            let pausedDocument = try await Self.document(in: "paused", from: lab)
            try await Self.validate(pausedDocument, phase: "paused", in: lab.folder)
            #expect(pausedDocument.contains("\"overall\" : \"maintenance\""))
            let maintenance = try await Self.fetch(lab.statusURL + "/")
            #expect(maintenance.body.contains("Maintenance") && maintenance.body.contains("kernel upgrade"))
        }
    }

    @Test func aStuckServiceStillMatchesTheSchema() async throws {
        try await AgentLab.with(overSSH: false, statusListener: true) { lab in
            try lab.standby.failStarts(true)
            let agent = try await lab.startWatching()
            defer { agent.terminate() }
            try await lab.primary.setHealth(.refuse)
            let stuck = try await Self.document(in: "stuck", from: lab)
            try await Self.validate(stuck, phase: "stuck", in: lab.folder)
            #expect(stuck.contains("start failed"), "\(stuck)")
        }
    }

    /// The lab agent's page as headless Chromium shows it once its script ran; with
    /// VIGIL_SCREENSHOTS set, a phone-sized screenshot goes there too.
    static func render(_ lab: AgentLab, _ name: String, url given: String? = nil) async throws -> String {
        let url = given ?? lab.statusURL + "/"
        try LabProcess.require(chromium, package: "chromium")
        var arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--user-data-dir=\(lab.folder.file("chromium-\(name)"))", "--virtual-time-budget=3000",
        ]
        if let shots = ProcessInfo.processInfo.environment["VIGIL_SCREENSHOTS"] {
            _ = try await LabProcess.run(
                chromium, arguments + ["--window-size=412,1000", "--screenshot=\(shots)/\(name).png", url],
                timeout: .seconds(60), check: false)
        }
        arguments.append(contentsOf: ["--dump-dom", url])
        let (status, dom) = try await LabProcess.run(chromium, arguments, timeout: .seconds(60), check: false)
        #expect(status == 0, "chromium: \(dom.suffix(2_000))")
        return dom
    }

    /// The page in headless Chromium (its script run) during an incident and after it.
    @Test func theStatusPageReadsRightInABrowser() async throws {
        try LabProcess.require(Self.chromium, package: "chromium")
        // The standby takes 12 s to start: Chromium itself can take several seconds to start on a
        // loaded machine, and the page must still show the incident in flight when it does.
        try await AgentLab.with(overSSH: false, startDelay: .seconds(12), statusListener: true) { lab in
            let agent = try await lab.startWatching()
            defer { agent.terminate() }
            func render(_ name: String) async throws -> String { try await Self.render(lab, name) }
            try await lab.primary.setHealth(.refuse)
            _ = try await Self.document(in: "failingOver", from: lab)
            let during = try await render("during")
            #expect(during.contains("Outage"), "the banner during the incident")
            #expect(during.contains("Failing over: "), "the phase")
            #expect(during.contains("Incident shop-1 (open)") && during.contains("started start standby"), "the step timeline")
            _ = try await Self.document(in: "secondaryActive", from: lab)
            let after = try await render("after")
            #expect(after.contains("Degraded"), "after: the standby serves, the primary is still down")
            #expect(after.contains("class=\"active\">standby</b>"), "the active side")
            #expect(after.contains("Recent incidents"))
            #expect(after.contains("shop-1 failover"), "the incident in the recent list")
        }
    }

    /// READY=1 once it watches, then WATCHDOG=1 again and again, through a fake NOTIFY_SOCKET;
    /// STOPPING=1 when it stops.
    @Test func systemdHearsReadyAndThePetsOfItsWatchdog() async throws {
        try await AgentLab.with(overSSH: false) { lab in
            let listener = try DatagramListener(path: lab.folder.file("notify.sock"))
            defer { listener.close() }
            let agent = try lab.launchAgent(environment: ["NOTIFY_SOCKET": lab.folder.file("notify.sock"), "WATCHDOG_USEC": "400000"])
            defer { agent.terminate() }
            try await LabWait.until("READY=1 and three WATCHDOG=1", timeout: .seconds(30)) {
                listener.messages.filter { $0.contains("WATCHDOG=1") }.count >= 3
            }
            #expect(listener.messages.first?.contains("READY=1") == true, "\(listener.messages)")
            kill(agent.pid, SIGTERM)
            do {
                try await LabWait.until("STOPPING=1", timeout: .seconds(60)) { listener.messages.contains { $0.contains("STOPPING=1") } }
            } catch {
                Issue.record("\(listener.messages)\n\(lab.folder.read("vigil.log").suffix(3_000))")
                throw error
            }
        }
    }
}

extension StatusEndpointTests {
    /// Every state issue 11 added, in one document, against the schema: an outage, a file that
    /// cannot be read, an unreachable host with its file transfer, a failing channel.
    @Test func theNeverBlindStatesMatchTheSchema() async throws {
        let folder = try LabFolder(prefix: "schema")
        defer { folder.remove() }
        var config = ServiceConfig(name: "shop", standbyMode: .warm, loadBalancers: ["lb1"])
        config.hosts = ["lb1"]
        // Serving from the standby; both sides fail: an outage.
        var outage = ServiceStateMachine(config: config, upstreams: [UpstreamLayout(active: .standby)])
        var now = Instant.seconds(1_000)
        _ = outage.handle(.started, at: now)
        for _ in 0..<6 {
            now = now + .seconds(1)
            for backend in Backend.allCases { _ = outage.handle(.probeFinished(backend, [.failed(.refused)]), at: now) }
        }
        #expect(outage.state.incident?.kind == .outage, "\(outage.phase)")
        // A file that cannot be read at start, and a host that fails two checks.
        var blind = ServiceStateMachine(config: config, observations: [.unreadable("/etc/nginx/upstreams/shop.conf: connection refused")])
        _ = blind.handle(.started, at: now)
        for _ in 0..<2 { _ = blind.handle(.hostChecked("lb1", problem: "connection refused"), at: now) }
        var inputs: [StatusDocument.Input] = []
        for (name, machine) in [("shop", outage), ("blind", blind)] {
            var input = StatusDocument.Input(
                name: name, config: machine.config, state: machine.state, unprotectedReasons: machine.unprotectedReasons)
            input.fileTransfers = ["lb1": "exec"]
            inputs.append(input)
        }
        let document = StatusDocument(
            services: inputs,
            channels: [
                StatusDocument.ChannelStatus(name: "ops", pending: 0, oldestSeconds: nil),
                StatusDocument.ChannelStatus(name: "pager", pending: 3, oldestSeconds: 412, failing: true),
            ],
            maintenance: [
                MaintenanceStatus(
                    id: "m-1", start: "2026-12-08T02:00:00.000Z", end: "2026-12-08T04:00:00.000Z", span: "Tue 2026-12-08 02:00–04:00 UTC",
                    services: ["shop"], reason: "database upgrade", publicText: "Faster checkout", inForce: false)
            ], agentHost: "lb-1")
        let json = document.json()
        #expect(json.contains("\"kind\" : \"outage\"") && json.contains("\"reachable\" : false") && json.contains("\"failing\" : true"))
        #expect(json.contains("\"upstreamProblem\" : \"cannot read the upstream file on lb1"), "\(json)")
        try await Self.validate(json, phase: "never-blind", in: folder)
    }
}
