import Foundation
import Testing
import VigilCore
import VigilHTTP
import VigilLab

/// The agent as a real process against the lab: nginx, a primary, a cold standby started by its
/// script, a webhook receiver.
@Suite struct EndToEndTests {
    struct Lab {
        let primary: LabHTTPBackend
        let standby: LabStandby
        let balancer: LabLoadBalancer
        let receiver: LabWebhookReceiver
        let folder: LabFolder

        var config: String {
            LabAgentConfig(primary: primary, standby: standby, balancer: balancer, receiver: receiver,
                           stateDirectory: folder.file("state")).yaml
        }
    }

    private func withLab(_ body: (Lab) async throws -> Void) async throws {
        try await withLabServer({ try await LabHTTPBackend.start(name: "primary") }) { primary in
            try await withLabServer({ try LabStandby.prepare(startDelay: .seconds(1)) }) { standby in
                try await withLabServer({ try await LabLoadBalancer.start(servers: ["127.0.0.1:\(primary.port)"]) }) { balancer in
                    try await withLabServer({ try await LabWebhookReceiver.start() }) { receiver in
                        let folder = try LabFolder(prefix: "agent")
                        defer { folder.remove() }
                        try await body(Lab(primary: primary, standby: standby, balancer: balancer, receiver: receiver, folder: folder))
                    }
                }
            }
        }
    }

    /// Writes the config, starts `vigil run` and waits until it checks the primary.
    private func startWatching(_ lab: Lab, config: String? = nil) async throws -> LabProcess {
        try lab.folder.write("vigil.yaml", config ?? lab.config)
        let binary = LabBinary.path("vigil")
        try LabProcess.require(binary, package: "this package (swift build --product vigil)")
        let agent = try LabProcess.launch(binary, ["run", "--config", lab.folder.file("vigil.yaml"), "--log-level", "debug"],
                                          name: "vigil", log: lab.folder.file("vigil.log"))
        try await LabWait.until("the agent to watch the primary", timeout: .seconds(20)) { lab.primary.healthRequestsReceived >= 3 }
        return agent
    }

    private func servedByStandby(_ lab: Lab) async -> Bool {
        await HTTPEngine.shared.probe(HealthProbe(url: lab.balancer.url + "/", body: .contains("backend: standby"),
                                                  freshConnection: true)).isHealthy
    }

    private func kinds(_ requests: [RecordedRequest]) -> [String] {
        requests.compactMap { request in
            (try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])?["kind"] as? String
        }
    }

    /// Starts the agent, waits until it watches, applies the fault, and returns how long nginx
    /// took to serve the standby.
    private func failOver(_ lab: Lab, fault: HealthMode, config: (String) -> String = { $0 }) async throws -> (LabProcess, Duration) {
        let agent = try await startWatching(lab, config: config(lab.config))
        let clock = ContinuousClock()
        let start = clock.now
        try await lab.primary.setHealth(fault)
        try await LabWait.until("nginx to serve the standby", timeout: .seconds(60), interval: .milliseconds(50)) { await servedByStandby(lab) }
        return (agent, start.duration(to: clock.now))
    }

    @Test(arguments: [HealthMode.hang, .status(500)])
    func aHangingOrFailingPrimaryFailsOverToo(_ fault: HealthMode) async throws {
        try await withLab { lab in
            let (agent, elapsed) = try await failOver(lab, fault: fault)
            defer { agent.terminate() }
            #expect(elapsed < .seconds(20))
            let requests = try await lab.receiver.waitForRequests(2, timeout: .seconds(15))
            #expect(kinds(requests) == ["incidentStarted", "incidentResolved"],
                    "\(requests.map(\.bodyText))\n\(lab.folder.read("vigil.log").suffix(3_000))")
        }
    }

    @Test func aBlipShorterThanTheMinimumFailureCausesNoFailover() async throws {
        try await withLab { lab in
            let agent = try await startWatching(lab)
            defer { agent.terminate() }
            try await lab.primary.setHealth(.refuse)
            let clock = ContinuousClock()
            let blip = clock.now
            // 1.5 s down, then healthy again; the default settings need 2 s and 3 checks.
            try await LabWait.until("the blip to last 1.5 s", timeout: .seconds(5)) { blip.duration(to: clock.now) >= .milliseconds(1_500) }
            try await lab.primary.setHealth(.ok)
            let requestsAfter = lab.primary.healthRequestsReceived
            try await LabWait.until("the agent to check the primary again", timeout: .seconds(10)) {
                lab.primary.healthRequestsReceived >= requestsAfter + 3
            }
            #expect(lab.receiver.requests.isEmpty, "no incident")
            #expect(!lab.standby.isListening, "the standby was never started")
        }
    }

    @Test func aStandbyThatDoesNotStartLeavesNginxAloneAndSaysSo() async throws {
        try await withLab { lab in
            try lab.standby.failStarts(true)
            let original = try String(contentsOfFile: lab.balancer.upstreamFile, encoding: .utf8)
            let agent = try await startWatching(lab)
            defer { agent.terminate() }
            try await lab.primary.setHealth(.refuse)
            let requests = try await lab.receiver.waitForRequests(2, timeout: .seconds(20))
            #expect(kinds(requests) == ["incidentStarted", "runbookFailed"])
            let failure = (try? JSONSerialization.jsonObject(with: Data(requests[1].body)) as? [String: Any])?["reason"] as? String
            #expect(failure?.contains("start failed") == true, "\(failure ?? "")")
            #expect(try String(contentsOfFile: lab.balancer.upstreamFile, encoding: .utf8) == original)
            let saved = try String(contentsOfFile: lab.folder.file("state/shop.state.json"), encoding: .utf8)
            #expect(saved.contains("runbookFailed"), "the saved state says stuck")
        }
    }

    @Test func aFileNginxRejectsIsRolledBackAndNginxKeepsServing() async throws {
        try await withLab { lab in
            try lab.folder.write("broken.mustache", "upstream {{upstream}} {\n{{#servers}}    server {{address}} no_such_parameter;\n{{/servers}}}\n")
            let original = try String(contentsOfFile: lab.balancer.upstreamFile, encoding: .utf8)
            let agent = try await startWatching(lab, config: lab.config.replacingOccurrences(
                of: "    verify_url:", with: "    template: \(lab.folder.file("broken.mustache"))\n        verify_url:"))
            defer { agent.terminate() }
            try await lab.primary.setHealth(.refuse)
            let requests = try await lab.receiver.waitForRequests(2, timeout: .seconds(30))
            #expect(kinds(requests) == ["incidentStarted", "runbookFailed"])
            let failure = (try? JSONSerialization.jsonObject(with: Data(requests[1].body)) as? [String: Any])?["reason"] as? String
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
        let (status, output) = try await LabProcess.run(LabBinary.path("vigil"), ["config", "check", "--config", folder.file("vigil.yaml")],
                                                        check: false)
        #expect(status == 78)
        #expect(output.contains("\(folder.file("vigil.yaml")):4:7: services.shop.primary.adress: unknown key"), "\(output)")
        let (runStatus, _) = try await LabProcess.run(LabBinary.path("vigil"), ["run", "--config", folder.file("vigil.yaml")], check: false)
        #expect(runStatus == 78, "the agent does not start")
    }

    @Test func aHangingWebhookNeitherSlowsTheRunbookNorLeaksItsURL() async throws {
        try await withLab { lab in
            lab.receiver.setDefault(.hang)
            let canary = "canary-e2e-4d1f"
            let (agent, elapsed) = try await failOver(lab, fault: .refuse) { config in
                config.replacingOccurrences(of: "/vigil\n", with: "/\(canary)\n")
            }
            agent.terminate()
            #expect(elapsed < .seconds(20), "the runbook does not wait for the webhook")
            let log = lab.folder.read("vigil.log")
            #expect(!log.isEmpty)
            #expect(!log.contains(canary), "the webhook URL never appears in the debug log")
            let state = lab.folder.read("state/shop.state.json")
            #expect(!state.contains(canary))
        }
    }

    @Test func aHangupWithABadConfigKeepsTheRunningOne() async throws {
        try await withLab { lab in
            let agent = try await startWatching(lab)
            defer { agent.terminate() }
            try lab.folder.write("vigil.yaml", "services: [this is not a config\n")
            kill(agent.pid, SIGHUP)
            try await LabWait.until("the agent to report the bad config", timeout: .seconds(10)) {
                lab.folder.read("vigil.log").contains("keeping the running config")
            }
            #expect(agent.isRunning)
            try await lab.primary.setHealth(.refuse)
            do {
                try await LabWait.until("nginx to serve the standby", timeout: .seconds(60), interval: .milliseconds(50)) { await servedByStandby(lab) }
            } catch {
                Issue.record("\(lab.folder.read("vigil.log").suffix(3_000))")
                throw error
            }
        }
    }

    /// Kills the agent with SIGKILL while a runbook step is held, restarts it, and checks it ends
    /// consistent: nginx serves the standby from a valid file, one incident.
    @Test(arguments: ["start", "switch"])
    func aKilledAgentResumesWhereItWas(_ heldStep: String) async throws {
        try await withLabServer({ try await LabHTTPBackend.start(name: "primary") }) { primary in
            try await withLabServer({ try LabStandby.prepare(startDelay: heldStep == "start" ? .seconds(4) : .zero) }) { standby in
                try await withLabServer({ try await LabLoadBalancer.start(servers: ["127.0.0.1:\(primary.port)"]) }) { balancer in
                    try await withLabServer({ try await LabWebhookReceiver.start() }) { receiver in
                        let folder = try LabFolder(prefix: "agent")
                        defer { folder.remove() }
                        let lab = Lab(primary: primary, standby: standby, balancer: balancer, receiver: receiver, folder: folder)
                        var config = lab.config
                        if heldStep == "switch" {
                            try folder.write("slow-test.sh", "#!/bin/sh\n[ -e \(folder.file("hold")) ] && sleep 4\nexec \(LabNginx.binary) -c \(balancer.nginx.configPath) -p \(balancer.nginx.folder.path) -t\n", mode: 0o755)
                            try folder.write("hold", "")
                            config = config.replacingOccurrences(of: "test_command: \(LabNginx.binary) -c \(balancer.nginx.configPath) -p \(balancer.nginx.folder.path) -t",
                                                                 with: "test_command: \(folder.file("slow-test.sh"))")
                        }
                        try folder.write("vigil.yaml", config)
                        let arguments = ["run", "--config", folder.file("vigil.yaml")]
                        let first = try LabProcess.launch(LabBinary.path("vigil"), arguments, name: "vigil", log: folder.file("vigil.log"))
                        try await LabWait.until("the agent to watch the primary", timeout: .seconds(20)) { primary.healthRequestsReceived >= 3 }
                        try await primary.setHealth(.refuse)
                        let marker = heldStep == "start" ? "running start standby" : "running switch load balancer 0"
                        try await LabWait.until("the agent to reach \(heldStep)", timeout: .seconds(20)) { folder.read("vigil.log").contains(marker) }
                        kill(first.pid, SIGKILL)
                        first.terminate()
                        try? FileManager.default.removeItem(atPath: folder.file("hold"))
                        let second = try LabProcess.launch(LabBinary.path("vigil"), arguments, name: "vigil", log: folder.file("vigil2.log"))
                        defer { second.terminate() }
                        do {
                            try await LabWait.until("nginx to serve the standby", timeout: .seconds(40), interval: .milliseconds(100)) {
                                await servedByStandby(lab)
                            }
                        } catch {
                            Issue.record("after the restart: \(folder.read("vigil2.log").suffix(3_000))")
                            throw error
                        }
                        try await LabWait.until("the saved state to say the standby serves", timeout: .seconds(20)) {
                            folder.read("state/shop.state.json").contains("secondaryActive")
                        }
                        let (status, _) = try await balancer.nginx.test()
                        #expect(status == 0, "one valid upstream file")
                        let incidents = try await receiver.waitForRequests(2, timeout: .seconds(20)).compactMap { request in
                            ((try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])?["incident"] as? [String: Any])?["id"] as? String
                        }
                        #expect(Set(incidents) == ["shop-1"], "no repeated incident: \(incidents)")
                        // Delivery is at least once: a kill between the receiver's answer and the outbox
                        // update sends a message again, with the same event id.
                        let started = receiver.requests.filter { kinds([$0]) == ["incidentStarted"] }
                        #expect(Set(started.compactMap { $0.headers["x-vigil-event-id"] }).count == 1)
                    }
                }
            }
        }
    }

    @Test func anOperatorFailoverAgainstTheDaemonReportsEachStep() async throws {
        try await withLab { lab in
            try lab.folder.write("vigil.yaml", lab.config)
            let agent = try LabProcess.launch(LabBinary.path("vigil"), ["run", "--config", lab.folder.file("vigil.yaml")],
                                              name: "vigil", log: lab.folder.file("vigil.log"))
            defer { agent.terminate() }
            let socket = lab.folder.file("state/vigil.sock")
            try await LabWait.until("the control socket", timeout: .seconds(20)) { FileManager.default.fileExists(atPath: socket) }
            let mode = try FileManager.default.attributesOfItem(atPath: socket)[.posixPermissions] as? Int
            #expect(mode == 0o660)
            let status = try await LabProcess.run(LabBinary.path("vigil"), ["status", "--config", lab.folder.file("vigil.yaml")])
            #expect(status.output.contains("shop: primaryActive"))
            let (code, output) = try await LabProcess.run(
                LabBinary.path("vigil"), ["failover", "--force", "--reason", "drill", "--config", lab.folder.file("vigil.yaml")],
                timeout: .seconds(60), check: false)
            #expect(code == 0, "\(output)")
            for words in ["started start standby", "succeeded health gate of standby", "succeeded switch load balancer 0 to standby", "secondaryActive"] {
                #expect(output.contains(words), "\(words) in \(output)")
            }
            #expect(await servedByStandby(lab))
            let started = try await lab.receiver.waitForRequests(1)[0]
            #expect(started.bodyText.contains("drill"))
            let again = try await LabProcess.run(LabBinary.path("vigil"), ["failover", "--force", "--config", lab.folder.file("vigil.yaml")],
                                                 check: false)
            #expect(again.status == 1 && again.output.contains("refused"), "\(again.output)")
        }
    }

    @Test func commandsWithoutADaemonSaySo() async throws {
        try await withLab { lab in
            try lab.folder.write("vigil.yaml", lab.config)
            let (code, output) = try await LabProcess.run(LabBinary.path("vigil"), ["status", "--config", lab.folder.file("vigil.yaml")],
                                                          check: false)
            #expect(code == 69)
            #expect(output.contains("no vigil daemon is running"))
            let refused = try await LabProcess.run(LabBinary.path("vigil"), ["failover", "--config", lab.folder.file("vigil.yaml")], check: false)
            #expect(refused.status == 64 && refused.output.contains("--force"), "\(refused.output)")
        }
    }

    @Test func aRefusingPrimaryFailsOverToTheColdStandbyAndPeopleAreTold() async throws {
        try await withLab { lab in
            let agent = try await startWatching(lab)
            defer { agent.terminate() }
            let clock = ContinuousClock()
            let fault = clock.now
            try await lab.primary.setHealth(.refuse)
            try await LabWait.until("nginx to serve the standby", timeout: .seconds(60), interval: .milliseconds(50)) {
                await HTTPEngine.shared.probe(HealthProbe(url: lab.balancer.url + "/", body: .contains("backend: standby"),
                                                          freshConnection: true)).isHealthy
            }
            let recovered = fault.duration(to: clock.now)
            print("fault to first request served by the standby: \(recovered)")
            let requests = try await lab.receiver.waitForRequests(2, timeout: .seconds(15))
            let kinds = requests.compactMap { request -> String? in
                (try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])?["kind"] as? String
            }
            #expect(kinds == ["incidentStarted", "incidentResolved"], "\(lab.folder.read("vigil.log").suffix(2_000))")
            #expect(recovered < .seconds(20))
        }
    }
}
