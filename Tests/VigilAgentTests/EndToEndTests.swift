import Foundation
import Testing
import VigilCore
import VigilHTTP
import VigilLab

/// The agent as a real process against the lab: nginx and the standby reached over a real sshd
/// (or `host: local`), a primary, a cold standby started by its script, a webhook receiver.
@Suite struct EndToEndTests {
    /// Starts the agent, waits until it watches, applies the fault, and returns how long nginx
    /// took to serve the standby.
    private func failOver(_ lab: AgentLab, fault: HealthMode, config: (String) -> String = { $0 }) async throws -> (LabProcess, Duration) {
        let agent = try await lab.startWatching(config: config(lab.config))
        let clock = ContinuousClock()
        let start = clock.now
        try await lab.primary.setHealth(fault)
        try await lab.waitUntilServedByStandby()
        return (agent, start.duration(to: clock.now))
    }

    /// Issue 11 (c): a load balancer whose sshd offers no SFTP subsystem (a common hardening)
    /// once left Vigil blind at start ("names neither backend"). Files go over exec there: a
    /// whole failover works, and `config check --connect` says how files travel.
    @Test func aWholeFailoverWorksOverAnSSHServerWithoutSFTP() async throws {
        try await AgentLab.with(sftp: false) { lab in
            let sshd = try #require(lab.sshd)
            try lab.folder.write("vigil.yaml", lab.config)
            let check = try await lab.vigil(["config", "check", "--connect"])
            #expect(
                check.status == 0 && check.output.contains("root@127.0.0.1:\(sshd.port)")
                    && check.output.contains("files over exec; SFTP not offered"),
                "\(check.output)")
            let (agent, recovered) = try await failOver(lab, fault: .refuse)
            defer { agent.terminate() }
            let requests = try await lab.receiver.waitForRequests(2, timeout: .seconds(15))
            #expect(AgentLab.kinds(requests) == ["incidentStarted", "incidentResolved"], "\(lab.folder.read("vigil.log").suffix(2_000))")
            #expect(recovered < .seconds(30))
            let nginx = try await LabProcess.run(LabNginx.binary, ["-t", "-c", lab.balancer.nginx.configPath], check: false)
            #expect(nginx.status == 0, "the file written over exec is valid: \(nginx.output)")
            let (_, status) = try await lab.vigil(["status", "--json"])
            #expect(status.contains("\"files\" : \"exec\"") && status.contains("\"name\" : \"lb1\""), "the status names how files travel: \(status)")
        }
    }

    /// (a) over SSH, and (j) with the load balancer and the standby as `host: local`.
    @Test(arguments: [true, false])
    func aRefusingPrimaryFailsOverToTheColdStandbyAndPeopleAreTold(_ overSSH: Bool) async throws {
        try await AgentLab.with(overSSH: overSSH) { lab in
            let (agent, recovered) = try await failOver(lab, fault: .refuse)
            defer { agent.terminate() }
            print("fault to first request served by the standby (\(overSSH ? "ssh" : "local")): \(recovered)")
            let requests = try await lab.receiver.waitForRequests(2, timeout: .seconds(15))
            #expect(AgentLab.kinds(requests) == ["incidentStarted", "incidentResolved"], "\(lab.folder.read("vigil.log").suffix(2_000))")
            #expect(recovered < .seconds(30))
            if overSSH { #expect(lab.folder.read("vigil.log").contains("switched lb1 to standby")) }
        }
    }

    @Test(arguments: [HealthMode.hang, .status(500)])
    func aHangingOrFailingPrimaryFailsOverToo(_ fault: HealthMode) async throws {
        try await AgentLab.with { lab in
            let (agent, elapsed) = try await failOver(lab, fault: fault)
            defer { agent.terminate() }
            #expect(elapsed < .seconds(30))
            let requests = try await lab.receiver.waitForRequests(2, timeout: .seconds(15))
            #expect(
                AgentLab.kinds(requests) == ["incidentStarted", "incidentResolved"],
                "\(requests.map(\.bodyText))\n\(lab.folder.read("vigil.log").suffix(3_000))")
        }
    }

    @Test func aBlipShorterThanTheMinimumFailureCausesNoFailover() async throws {
        try await AgentLab.with { lab in
            let agent = try await lab.startWatching()
            defer { agent.terminate() }
            // 1.5 s down, then healthy again; the default settings need 2 s and 3 checks.
            try await lab.primary.blip(for: .milliseconds(1_500))
            let requestsAfter = lab.primary.healthRequestsReceived
            try await LabWait.until("the agent to check the primary again", timeout: .seconds(10)) {
                lab.primary.healthRequestsReceived >= requestsAfter + 3
            }
            #expect(lab.receiver.requests.isEmpty, "no incident")
            #expect(!lab.standby.isListening, "the standby was never started")
        }
    }

    @Test func aStandbyThatDoesNotStartLeavesNginxAloneAndSaysSo() async throws {
        try await AgentLab.with { lab in
            try lab.standby.failStarts(true)
            let original = try String(contentsOfFile: lab.balancer.upstreamFile, encoding: .utf8)
            let agent = try await lab.startWatching()
            defer { agent.terminate() }
            try await lab.primary.setHealth(.refuse)
            let requests = try await lab.receiver.waitForRequests(2, timeout: .seconds(30))
            #expect(AgentLab.kinds(requests) == ["incidentStarted", "runbookFailed"])
            let failure = AgentLab.json(requests[1])?["reason"] as? String
            #expect(failure?.contains("start failed") == true, "\(failure ?? "")")
            #expect(try String(contentsOfFile: lab.balancer.upstreamFile, encoding: .utf8) == original)
            let (_, status) = try await lab.vigil(["status"])
            #expect(status.contains("stuck"), "\(status)")
        }
    }

    @Test func aFileNginxRejectsIsRolledBackAndNginxKeepsServing() async throws {
        try await AgentLab.with { lab in
            try lab.folder.write("broken.mustache", "upstream {{upstream}} {\n{{#servers}}    server {{address}} no_such_parameter;\n{{/servers}}}\n")
            let original = try String(contentsOfFile: lab.balancer.upstreamFile, encoding: .utf8)
            let agent = try await lab.startWatching(
                config: lab.config.replacingOccurrences(
                    of: "    verify_url:", with: "    template: \(lab.folder.file("broken.mustache"))\n        verify_url:"))
            defer { agent.terminate() }
            // The preflight at start already caught it, before any failover was needed.
            let preflight = try await lab.waitForMessage("preflightFailed")
            #expect((preflight["reason"] as? String ?? "").contains("no_such_parameter"), "\(preflight)")
            try await lab.primary.setHealth(.refuse)
            let failed = try await lab.waitForMessage("runbookFailed")
            #expect(AgentLab.kinds(lab.receiver.requests).filter { !$0.hasPrefix("preflight") } == ["incidentStarted", "runbookFailed"])
            let failure = failed["reason"] as? String
            #expect(failure?.contains("no_such_parameter") == true, "nginx's own message: \(failure ?? "")")
            #expect(try String(contentsOfFile: lab.balancer.upstreamFile, encoding: .utf8) == original, "the old file is back")
            let (status, _) = try await lab.balancer.nginx.test()
            #expect(status == 0)
        }
    }

    @Test func aBadConfigIsRefusedWithItsLocation() async throws {
        let folder = try LabFolder(prefix: "badconfig")
        defer { folder.remove() }
        try folder.write("vigil.yaml", "services:\n  shop:\n    primary:\n      adress: x\n")
        let (status, output) = try await LabProcess.run(
            LabBinary.path("vigil"), ["config", "check", "--config", folder.file("vigil.yaml")],
            check: false)
        #expect(status == 78)
        #expect(output.contains("\(folder.file("vigil.yaml")):4:7: services.shop.primary.adress: unknown key"), "\(output)")
        let (runStatus, _) = try await LabProcess.run(LabBinary.path("vigil"), ["run", "--config", folder.file("vigil.yaml")], check: false)
        #expect(runStatus == 78, "the agent does not start")
    }

    /// (k) and (l): the runbook does not wait for a hanging receiver, and a canary URL path and
    /// signing secret appear nowhere: debug log, saved state, `status --json`, CLI output.
    @Test func aHangingWebhookNeitherSlowsTheRunbookNorLeaksItsSecrets() async throws {
        try await AgentLab.with { lab in
            lab.receiver.setDefault(.hang)
            let canary = "canary-e2e-4d1f"
            let secret = "canary-secret-9b2e"
            let (agent, elapsed) = try await failOver(lab, fault: .refuse) { config in
                config.replacingOccurrences(of: "/vigil\n", with: "/\(canary)\n    signing_secret: \(secret)\n")
            }
            defer { agent.terminate() }
            #expect(elapsed < .seconds(30), "the runbook does not wait for the webhook")
            let (status, json) = try await lab.vigil(["status", "--json"])
            #expect(status == 0)
            let document = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            let service = (document?["services"] as? [[String: Any]])?.first
            #expect(service?["name"] as? String == "shop", "\(json)")
            let (_, text) = try await lab.vigil(["status"])
            agent.terminate()
            let log = lab.folder.read("vigil.log")
            #expect(log.contains("switched lb1 to standby"), "the agent logged at debug level (launchAgent asks for it)")
            for (place, content) in [
                ("log", log), ("state", lab.folder.read("state/shop.state.json")), ("status --json", json),
                ("status", text),
            ] {
                #expect(!content.contains(canary) && !content.contains(secret), "the canary appears in the \(place)")
            }
        }
    }

    @Test func aHangupWithABadConfigKeepsTheRunningOne() async throws {
        try await AgentLab.with { lab in
            let agent = try await lab.startWatching()
            defer { agent.terminate() }
            try lab.folder.write("vigil.yaml", "services: [this is not a config\n")
            kill(agent.pid, SIGHUP)
            try await LabWait.until("the agent to report the bad config", timeout: .seconds(10)) {
                lab.folder.read("vigil.log").contains("keeping the running config")
            }
            #expect(agent.isRunning)
            try await lab.primary.setHealth(.refuse)
            try await lab.waitUntilServedByStandby()
        }
    }

    /// (g) Kills the agent with SIGKILL while a runbook step is held (a `hold` file makes a hook,
    /// the start command or `nginx -t` sleep; the standby's start delay holds the gate), restarts
    /// it, and checks it ends consistent: nginx serves the standby from a valid file that nginx
    /// has loaded, one incident.
    @Test(arguments: ["pre-hook", "start standby", "health gate", "switch load balancer", "post-hook"])
    func aKilledAgentResumesWhereItWas(_ heldStep: String) async throws {
        try await AgentLab.with(startDelay: heldStep == "health gate" ? .seconds(4) : .zero) { lab in
            try lab.folder.write("hold", "")
            /// Only the step under test is held: the others run their command at once.
            func held(_ step: String, _ command: String) throws -> String {
                step == heldStep ? try lab.holdingScript("hold-\(step.replacingOccurrences(of: " ", with: "-")).sh", then: command) : command
            }
            let config = lab.config
                .replacingOccurrences(
                    of: "  shop:\n",
                    with: "  shop:\n    runbook:\n      pre_hook: \(try held("pre-hook", "echo pre-hook ran"))\n"
                        + "      post_hook: \(try held("post-hook", "echo post-hook ran"))\n"
                )
                .replacingOccurrences(of: "start: \(lab.standby.startScript)", with: "start: \(try held("start standby", lab.standby.startScript))")
                .replacingOccurrences(
                    of: "test_command: \(lab.nginxCommand) -t",
                    with: "test_command: \(try held("switch load balancer", "\(lab.nginxCommand) -t"))")
            let first = try await lab.startWatching(config: config)
            defer { first.terminate() }  // already killed below, unless the test fails first
            try await lab.primary.setHealth(.refuse)
            try await LabWait.until("the agent to reach \(heldStep)", timeout: .seconds(30)) {
                // The gate is the state machine's own step: the saved phase says when it is there.
                heldStep == "health gate"
                    ? lab.folder.read("state/shop.state.json").contains(#""failingOver":{"_0":{"gate""#)
                    : lab.folder.read("vigil.log").contains("running \(heldStep)")
            }
            kill(first.pid, SIGKILL)
            first.terminate()
            try FileManager.default.removeItem(atPath: lab.folder.file("hold"))
            let second = try lab.launchAgent(config: config, log: "vigil2.log")
            defer { second.terminate() }
            try await lab.waitUntilServedByStandby(log: "vigil2.log")
            try await LabWait.until("the saved state to say the standby serves", timeout: .seconds(30)) {
                lab.folder.read("state/shop.state.json").contains("secondaryActive")
            }
            let (status, output) = try await lab.balancer.nginx.test()
            #expect(status == 0, "one valid upstream file: \(output)")
            #expect(await lab.servedByStandby(), "nginx's loaded config names the standby, as the file does")
            #expect(try String(contentsOfFile: lab.balancer.upstreamFile, encoding: .utf8).contains(lab.standby.address))
            let requests = try await lab.receiver.waitForRequests(2, timeout: .seconds(30))
            let incidents = requests.compactMap { (AgentLab.json($0)?["incident"] as? [String: Any])?["id"] as? String }
            #expect(Set(incidents) == ["shop-1"], "no repeated incident: \(incidents)")
            // Delivery is at least once: a kill between the receiver's answer and the outbox
            // update sends a message again, with the same event id.
            let started = lab.receiver.requests.filter { AgentLab.kinds([$0]) == ["incidentStarted"] }
            #expect(Set(started.compactMap { $0.headers["x-vigil-event-id"] }).count == 1)
        }
    }

    /// SIGTERM in the middle of a runbook lets it finish within shutdown_grace, then exits 0.
    @Test func aTerminatedAgentFinishesTheRunbookInFlight() async throws {
        try await AgentLab.with(startDelay: .seconds(3)) { lab in
            let agent = try await lab.startWatching()
            defer { agent.terminate() }
            try await lab.primary.setHealth(.refuse)
            try await LabWait.until("the agent to start the standby", timeout: .seconds(30)) {
                lab.folder.read("vigil.log").contains("running start standby")
            }
            kill(agent.pid, SIGTERM)
            try await LabWait.until("the agent to exit", timeout: .seconds(60)) { !agent.isRunning }
            #expect(agent.exitCode == 0)
            let log = lab.folder.read("vigil.log")
            #expect(log.contains("waiting up to 1m for the runbook in flight"), "\(log.suffix(3_000))")
            #expect(await lab.servedByStandby(), "the runbook finished before the agent stopped")
            #expect(lab.folder.read("state/shop.state.json").contains("secondaryActive"))
        }
    }

    /// Hooks leave their exit status and output in the timeline; a hand edit of the upstream file
    /// is warned about, and the next switch says it replaced it and keeps it in the backup.
    @Test func hooksReportAndHandEditsAreCaughtNotLost() async throws {
        try await AgentLab.with(overSSH: false) { lab in
            let config =
                "drift_check_interval: 1s\n"
                + lab.config.replacingOccurrences(
                    of: "  shop:\n", with: "  shop:\n    runbook:\n      pre_hook: echo dumped 42 rows\n")
            let agent = try await lab.startWatching(config: config)
            defer { agent.terminate() }
            let edited = try String(contentsOfFile: lab.balancer.upstreamFile, encoding: .utf8) + "# tuned by hand\n"
            try edited.write(toFile: lab.balancer.upstreamFile, atomically: true, encoding: .utf8)
            let warning = try await lab.receiver.waitForRequests(1, timeout: .seconds(15))
            #expect(AgentLab.kinds(warning) == ["upstreamEdited"])
            #expect(lab.folder.read("vigil.log").contains("an upstream file was edited by hand"))
            try await lab.primary.setHealth(.refuse)
            try await lab.waitUntilServedByStandby()
            let requests = try await lab.receiver.waitForRequests(3, timeout: .seconds(20))
            #expect(AgentLab.kinds(requests) == ["upstreamEdited", "incidentStarted", "incidentResolved"])
            let timeline = (AgentLab.json(requests[2])?["incident"] as? [String: Any])?["timeline"] as? [[String: Any]] ?? []
            let lines = timeline.compactMap { $0["event"] as? String }
            #expect(lines.contains { $0.contains("pre-hook (to standby) said: exit 0: dumped 42 rows") }, "\(timeline)")
            #expect(lines.contains { $0.contains("had been edited by hand") }, "\(timeline)")
            #expect(try String(contentsOfFile: lab.balancer.upstreamFile + ".vigil-backup", encoding: .utf8) == edited, "the edit is kept")
        }
    }
}
