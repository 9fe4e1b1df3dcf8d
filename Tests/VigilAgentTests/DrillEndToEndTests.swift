import Foundation
import Synchronization
import Testing
import VigilCore
import VigilHTTP
import VigilLab

/// Issue 15: drills against real nginx, sshd, a primary and a cold standby on loopback, with a
/// client sending a request through nginx every 50 ms. One at a time: each is long and timed.
@Suite(.serialized) struct DrillEndToEndTests {
    /// A client of the service: one request through nginx every 50 ms until stopped (at most
    /// `limit`), counting who answered and what failed.
    final class Client: Sendable {
        struct Tally {
            var sent = 0
            var answeredBy: [String: Int] = [:]
            var failed: [String] = []
        }

        let tally = Mutex(Tally())
        let stopped = Atomic(false)

        func run(against url: String, limit: Int = 4_000) async {
            for round in 0..<limit where !stopped.load(ordering: .relaxed) {
                let result = await HTTPEngine.shared.get(url: url, timeout: .seconds(2))
                tally.withLock { tally in
                    tally.sent += 1
                    switch result {
                    case .success(let response) where response.status == 200:
                        let body = String(decoding: response.bodyPrefix, as: UTF8.self)
                        let backend = body.contains("backend: standby") ? "standby" : body.contains("backend: primary") ? "primary" : "other"
                        tally.answeredBy[backend, default: 0] += 1
                    case .success(let response):
                        tally.failed.append("request \(round): HTTP \(response.status)")
                    case .failure(let error):
                        tally.failed.append("request \(round): \(error)")
                    }
                }
                try? await Task.sleep(for: .milliseconds(50))  // the client's pace, not a synchronisation
            }
        }
    }

    private static let drillSettings = """
            runbook:
              fence: true
              drain_time: 2s
              recovery_time_objective: 30s

        """

    @Test func aFullDrillIsInvisibleToClientsAndReportsItsFigures() async throws {
        try await AgentLab.with(statusListener: true) { lab in
            let agent = try await lab.startWatching(config: lab.config(withServiceLines: Self.drillSettings))
            defer { agent.terminate() }
            let client = Client()
            let traffic = Task { await client.run(against: lab.balancer.url + "/") }
            try await LabWait.until("the client to be answered", timeout: .seconds(10)) { client.tally.withLock { $0.sent >= 10 } }

            let drill = Task { try await lab.vigil(["drill", "--hold", "3s", "--reason", "end-to-end drill"], timeout: .seconds(120)) }
            // Shown while it runs, and its report after: both documents match the schema.
            let during = try await StatusEndpointTests.document(in: "drilling", from: lab)
            try await StatusEndpointTests.validate(during, phase: "drilling", in: lab.folder)
            let (status, output) = try await drill.value
            client.stopped.store(true, ordering: .relaxed)
            let after = try await StatusEndpointTests.fetch(lab.statusURL + "/status.json").body
            try await StatusEndpointTests.validate(after, phase: "after-drill", in: lab.folder)
            #expect(after.contains("\"becameFailover\" : false") && after.contains("DRILL PASSED"), "\(after.prefix(2_000))")
            await traffic.value
            let tally = client.tally.withLock { $0 }
            print("drill seen by a client every 50 ms: \(tally.failed.count) failed of \(tally.sent) requests; answered by \(tally.answeredBy)")
            print(output)

            #expect(status == 0, "\(output)\n\(lab.folder.read("vigil.log").suffix(3_000))")
            #expect(output.contains("DRILL PASSED"), "\(output)")
            #expect(tally.failed.isEmpty, "\(tally.failed.prefix(10))")
            #expect(tally.answeredBy["standby", default: 0] > 0, "the standby served during the hold: \(tally.answeredBy)")
            #expect(await lab.served(by: "primary"), "traffic is back on the primary")
            #expect(!lab.standby.isListening, "fencing stopped the standby after the drain")
            #expect(
                AgentLab.kinds(lab.receiver.requests).filter { $0.hasPrefix("drill") }
                    == ["drillStarted", "drillProgress", "drillProgress", "drillReport"])

            let (reportStatus, json) = try await lab.vigil(["drill", "--report", "last"])
            #expect(reportStatus == 0, "\(json)")
            print("vigil drill --report last:\n\(json)")
            let report = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            #expect(report?["passed"] as? Bool == true)
            #expect(report?["metObjective"] as? Bool == true)
            #expect((report?["steps"] as? [[String: Any]])?.count ?? 0 >= 7, "start, gate, switch, hold, gate, switch, drain, fence")
        }
    }

    @Test func aDrillWhoseStandbyCannotStartStopsBeforeTrafficMovesAndSaysWhy() async throws {
        try await AgentLab.with { lab in
            try lab.standby.failStarts(true)
            let original = try String(contentsOfFile: lab.balancer.upstreamFile, encoding: .utf8)
            let agent = try await lab.startWatching()
            defer { agent.terminate() }
            let (status, output) = try await lab.vigil(["drill", "--hold", "3s", "--reason", "broken start"], timeout: .seconds(120))
            #expect(status == 1, "\(output)")
            #expect(output.contains("DRILL FAILED") && output.contains("start standby failed"), "\(output)")
            #expect(try String(contentsOfFile: lab.balancer.upstreamFile, encoding: .utf8) == original, "nginx's file is untouched")
            #expect(await lab.served(by: "primary"))
            let report = try await lab.waitForMessage("drillReport")
            let reason = report["reason"] as? String ?? ""
            #expect(reason.contains("DRILL FAILED") && reason.hasSuffix("traffic did not move"), "\(report)")
            #expect(!AgentLab.kinds(lab.receiver.requests).contains("incidentStarted"), "a drill's finding is not an incident")
            let (_, state) = try await lab.vigil(["status"])
            #expect(state.contains("primaryActive"), "\(state)")
        }
    }
}

extension DrillEndToEndTests {
    @Test func thePreflightPassesOnAGoodSetupAndFindsAnUpstreamNginxRejectsAndAChangedHostKey() async throws {
        try await AgentLab.with { lab in
            guard let sshd = lab.sshd else { throw LabError.notReady("sshd", log: "") }
            // The standby's address is a name the load balancer cannot resolve: its upstream fails nginx -t.
            let config = lab.config.replacingOccurrences(of: "address: \(lab.standby.address)", with: "address: standby.invalid:\(lab.standby.port)")
            let agent = try await lab.startWatching(config: config)
            defer { agent.terminate() }
            // The daemon's own preflight at start said it.
            let said = try await lab.waitForMessage("preflightFailed")
            #expect((said["reason"] as? String ?? "").contains("host not found in upstream"), "\(said)")

            let (status, output) = try await lab.vigil(["drill", "--preflight"])
            #expect(status == 1, "\(output)")
            #expect(output.contains("shop: FAIL lb1: nginx -t of the standby's upstream failed") && output.contains("standby.invalid"), "\(output)")
            #expect(!output.contains("host key"), "the host keys are fine so far: \(output)")
            let (_, state) = try await lab.vigil(["status"])
            #expect(state.contains("preflight: lb1"), "\(state)")

            // The host is rebuilt (or impersonated): its key no longer matches known_hosts.
            let mismatched = try await sshd.mismatchedKnownHosts()
            try Data(contentsOf: URL(fileURLWithPath: mismatched)).write(to: URL(fileURLWithPath: sshd.knownHosts))
            let (again, changed) = try await lab.vigil(["drill", "--preflight", "--notify"])
            print("vigil drill --preflight with a bad standby address and a changed host key:\n\(changed)")
            #expect(again == 1, "\(changed)")
            #expect(changed.contains("shop: FAIL lb1:") && changed.lowercased().contains("host key"), "\(changed)")
            #expect(try String(contentsOfFile: lab.balancer.upstreamFile, encoding: .utf8).contains("127.0.0.1:\(lab.primary.port)"), "nothing moved")
            let posted = try await lab.waitForMessage("test")
            #expect((posted["reason"] as? String ?? "").contains("preflight found"), "\(posted)")
        }
    }

    @Test func thePreflightPassesOnTheLab() async throws {
        try await AgentLab.with { lab in
            let agent = try await lab.startWatching()
            defer { agent.terminate() }
            let (status, output) = try await lab.vigil(["drill", "--preflight"])
            #expect(status == 0, "\(output)")
            #expect(output.contains("preflight passed"), "\(output)")
            #expect(!AgentLab.kinds(lab.receiver.requests).contains("preflightFailed"))
        }
    }
}

extension DrillEndToEndTests {
    /// SIGTERM during the hold: the agent stops at once (a hold is only a timer), the standby keeps
    /// serving, and the restarted agent holds for what is left, comes back and reports.
    @Test func aDrillInterruptedByARestartResumesItsHoldAndReports() async throws {
        try await AgentLab.with { lab in
            let agent = try await lab.startWatching()
            let drill = Task { try await lab.vigil(["drill", "--hold", "8s", "--reason", "restart drill"], timeout: .seconds(120)) }
            _ = try await lab.waitForMessage("drillProgress")
            let stopping = ContinuousClock.now
            kill(agent.pid, SIGTERM)
            try await LabWait.until("the agent to exit", timeout: .seconds(20)) { !agent.isRunning }
            #expect(stopping.duration(to: .now) < .seconds(8), "the hold is not waited for")
            #expect(lab.folder.read("vigil.log").contains("stopping during the drill's hold on standby"))
            _ = try? await drill.value  // the CLI lost its daemon
            #expect(await lab.servedByStandby(), "the standby serves while the agent is away")

            let restarted = try lab.launchAgent(log: "vigil-2.log")
            defer { restarted.terminate() }
            let report = try await lab.waitForMessage("drillReport", timeout: .seconds(60))
            let reason = report["reason"] as? String ?? ""
            #expect(reason.hasPrefix("DRILL PASSED"), "\(reason)")
            #expect(lab.folder.read("vigil-2.log").contains("resuming from its saved state (drilling: hold on standby)"))
            #expect(await lab.served(by: "primary"), "traffic is back on the primary")
            #expect(AgentLab.kinds(lab.receiver.requests).filter { $0 == "drillProgress" }.count == 2, "the hold is not announced twice")
        }
    }
}

extension DrillEndToEndTests {
    /// With no daemon, `vigil drill` runs the drill in its own process under the run lock, as
    /// `vigil failover` does: it waits for the primary's first judgement, then drills and reports.
    @Test func aDrillWithNoDaemonRunsInTheCommandsOwnProcess() async throws {
        try await AgentLab.with { lab in
            try lab.folder.write("vigil.yaml", lab.config)
            let (status, output) = try await lab.vigil(["drill", "--hold", "2s", "--reason", "no daemon"], timeout: .seconds(120))
            #expect(status == 0, "\(output)")
            #expect(output.contains("no daemon is running; running the drill here"), "\(output)")
            #expect(output.contains("DRILL PASSED"), "\(output)")
            #expect(await lab.served(by: "primary"), "traffic is back on the primary")
            #expect(AgentLab.kinds(lab.receiver.requests).contains("drillReport"), "its messages were delivered before it exited")
        }
    }
}
