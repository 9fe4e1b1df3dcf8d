import Foundation
import Testing
import VigilCore
import VigilHTTP
import VigilLab

/// Issue 11: every fault around Vigil is said, shown, and acted on as soon as it can be; the
/// agent as a real process against real nginx and sshd on loopback. One at a time: each is long
/// and timed, and the suite runs beside every other.
@Suite(.serialized) struct NeverBlindEndToEndTests {
    let clock = ContinuousClock()

    /// Fails the primary over to the cold standby and waits until nginx serves the standby.
    private func failOver(_ lab: AgentLab, config: String? = nil) async throws -> LabProcess {
        let agent = try await lab.startWatching(config: config)
        try await lab.primary.setHealth(.refuse)
        try await lab.waitUntilServedByStandby()
        _ = try await lab.waitForMessage("incidentResolved")
        return agent
    }

    /// (a) After a failover the standby dies while the primary is still down: an outage, said
    /// at once; the primary comes back: traffic moves to it through the gate and the outage
    /// ends with its downtime.
    @Test func theStandbyDyingWhileThePrimaryIsDownIsAnOutageThatEndsWhenThePrimaryIsBack() async throws {
        try await AgentLab.with(statusListener: true) { lab in
            let agent = try await failOver(lab)
            defer { agent.terminate() }
            let killed = clock.now
            lab.standby.crash()
            let outage = try await lab.waitForMessage("outageStarted", timeout: .seconds(15))
            let said = killed.duration(to: clock.now)
            print("standby killed to the outage message: \(said)")
            #expect(said < .seconds(15), "the goal is 5 s (2.8 s measured unloaded); the margin is for a loaded CI machine")
            let reason = outage["reason"] as? String ?? ""
            #expect(reason.contains("nothing healthy to serve") && reason.contains("standby: ") && reason.contains("primary: "), "\(reason)")
            let (_, status) = try await lab.vigil(["status"])
            #expect(status.contains("NOT PROTECTED") && status.contains("outage"), "\(status)")
            let document = try await StatusEndpointTests.fetch(lab.statusURL + "/status.json").body
            try await StatusEndpointTests.validate(document, phase: "secondaryActive", in: lab.folder)
            #expect(document.contains("\"kind\" : \"outage\"") && document.contains("\"protected\" : false"), "\(document)")
            let page = try await StatusEndpointTests.render(lab, "outage")
            #expect(page.contains("Outage: nothing healthy to serve") && page.contains("Not protected:"), "\(page.suffix(3_000))")
            #expect(!page.contains("Served by the standby"), "the page never says a side that is down serves")

            let back = clock.now
            try await lab.primary.setHealth(.ok)
            try await LabWait.until("nginx to serve the primary", timeout: .seconds(30), interval: .milliseconds(50)) {
                await lab.served(by: "primary")
            }
            print("primary back to traffic on it: \(back.duration(to: clock.now))")
            let resolved = try await lab.waitForMessage("outageResolved")
            #expect((resolved["reason"] as? String ?? "").contains("primary serves; the service was down for"), "\(resolved)")
            let kinds = AgentLab.kinds(lab.receiver.requests)
            #expect(
                Array(kinds.prefix(5)) == ["incidentStarted", "incidentResolved", "outageStarted", "incidentUpdate", "outageResolved"], "\(kinds)")
            let incident = resolved["incident"] as? [String: Any]
            #expect(incident?["kind"] as? String == "outage" && incident?["timeToRecoverSeconds"] != nil, "\(String(describing: incident))")
        }
    }

    /// (b) The same with the primary already healthy again: traffic goes back to it within
    /// detection and gate time; the cooldown of the failover just done does not hold it.
    @Test func theStandbyDyingWithAHealthyPrimaryMovesTrafficBackInsideTheCooldown() async throws {
        try await AgentLab.with { lab in
            let agent = try await failOver(lab)
            defer { agent.terminate() }
            try await lab.primary.setHealth(.ok)
            // The primary passes its checks again (rise) before the standby dies.
            try await LabWait.until("the primary to be up", timeout: .seconds(20)) {
                let (_, status) = try await lab.vigil(["status"])
                return status.contains("primary up")
            }
            let killed = clock.now
            lab.standby.crash()
            try await LabWait.until("nginx to serve the primary", timeout: .seconds(30), interval: .milliseconds(50)) {
                await lab.served(by: "primary")
            }
            let moved = killed.duration(to: clock.now)
            print("standby killed to traffic on the healthy primary: \(moved)")
            #expect(moved < .seconds(15), "detection (about 3 s) plus the gate, not the 5 min cooldown")
            _ = try await lab.waitForMessage("incidentResolved")
            #expect(!AgentLab.kinds(lab.receiver.requests).contains("outageStarted"))
        }
    }

    /// (d) sshd is gone when the primary fails and answers again 20 s later: the failure is said
    /// at once, and the failover completes as soon as sshd answers (host watching, not the
    /// 60 s retry interval). With retries off: no retry, and a message when sshd answers.
    @Test(arguments: [true, false])
    func aFailoverWhoseSSHHostComesBackCompletesWhenItAnswers(_ retries: Bool) async throws {
        try await AgentLab.with { lab in
            let sshd = try #require(lab.sshd)
            let config = retries ? lab.config : lab.config(withServiceLines: "    runbook:\n      retry_interval: off\n")
            let agent = try await lab.startWatching(config: config)
            defer { agent.terminate() }
            sshd.interrupt()
            try await lab.primary.setHealth(.refuse)
            let failed = try await lab.waitForMessage("runbookFailed", timeout: .seconds(20))
            let arrivals = Dictionary(
                lab.receiver.requests.compactMap { request in (AgentLab.json(request)?["kind"] as? String).map { ($0, request.receivedAt) } },
                uniquingKeysWith: { first, _ in first })
            if let opened = arrivals["incidentStarted"], let said = arrivals["runbookFailed"] {
                print("runbook start to its failure message (sshd gone): \(opened.duration(to: said))")
                #expect(opened.duration(to: said) < .seconds(15), "the goal is 5 s (1.0 s measured unloaded)")
            } else {
                Issue.record("no incidentStarted before runbookFailed: \(arrivals.keys)")
            }
            let reason = failed["reason"] as? String ?? ""
            #expect(reason.contains("connection refused") || reason.contains("connectionRefused"), "\(reason)")
            #expect(reason.contains(retries ? "Vigil retries as soon as standby host answers" : "retries are off"), "\(reason)")
            try await Task.sleep(for: .seconds(20))  // the outage being simulated, not a synchronisation
            try await sshd.resume()
            let answered = clock.now
            if retries {
                try await lab.waitUntilServedByStandby(timeout: .seconds(30))
                let restored = answered.duration(to: clock.now)
                print("sshd answering to traffic on the standby: \(restored)")
                #expect(restored < .seconds(20), "the goal is 10 s (3.3 s measured unloaded); the margin is for a loaded CI machine")
            } else {
                let message = try await lab.waitForMessage("hostReachable", timeout: .seconds(15))
                #expect((message["reason"] as? String ?? "").contains("`vigil retry` finishes the failover"), "\(message)")
                print("sshd answering to the message (retries off): \(answered.duration(to: clock.now))")
                #expect(await !lab.servedByStandby(), "nothing retried by itself")
            }
        }
    }

    /// (e) The upstream file cannot be read at start (its host refuses): said with the real
    /// cause at once, shown unprotected, and cleared by itself when the host answers.
    @Test func anUpstreamThatCannotBeReadAtStartIsSaidShownAndClearsByItself() async throws {
        try await AgentLab.with(statusListener: true) { lab in
            let sshd = try #require(lab.sshd)
            sshd.interrupt()
            let launched = clock.now
            let agent = try lab.launchAgent()
            defer { agent.terminate() }
            let message = try await lab.waitForMessage("upstreamUnreadable", timeout: .seconds(15))
            let said = launched.duration(to: clock.now)
            print("agent start to the unreadable-upstream message: \(said)")
            #expect(said < .seconds(15), "the goal is 5 s (0.2 s measured unloaded); the margin is for a loaded CI machine")
            let reason = message["reason"] as? String ?? ""
            #expect(reason.contains("cannot read the upstream file on lb1") && reason.contains("onnection refused"), "\(reason)")
            let document = try await StatusEndpointTests.fetch(lab.statusURL + "/status.json").body
            #expect(document.contains("\"protected\" : false") && document.contains("cannot read the upstream file on lb1"), "\(document)")
            try await StatusEndpointTests.validate(document, phase: "stuck", in: lab.folder)
            try await sshd.resume()
            _ = try await lab.waitForMessage("upstreamReadable", timeout: .seconds(30))
            _ = try await StatusEndpointTests.document(in: "primaryActive", from: lab)
            // The preflight at start could not reach the host either; it runs again once the files
            // can be read, and clears.
            var clear = ""
            try await LabWait.until("the service to be protected again", timeout: .seconds(30), interval: .milliseconds(100)) {
                clear = try await StatusEndpointTests.fetch(lab.statusURL + "/status.json").body
                return clear.contains("\"protected\" : true")
            }
            try await StatusEndpointTests.validate(clear, phase: "primaryActive", in: lab.folder)
        }
    }
}

extension NeverBlindEndToEndTests {
    /// (f) The heartbeat pings a lab receiver while all is well, the fail URL while the service
    /// is not protected (here: paused), the ping URL again after; the token never reaches the log.
    @Test func theHeartbeatPingsWhileProtectedAndSignalsFailureWhileNot() async throws {
        try await AgentLab.with(overSSH: false) { lab in
            let ping = lab.receiver.url(path: "/ping/token-6b1f")
            let config = "heartbeat:\n  url: \(ping)\n  interval: 1s\n" + lab.config
            let agent = try await lab.startWatching(config: config)
            defer { agent.terminate() }
            func pings(_ path: String) -> Int { lab.receiver.requests.filter { $0.method == "GET" && $0.path == path }.count }
            try await LabWait.until("a heartbeat", timeout: .seconds(15)) { pings("/ping/token-6b1f") >= 1 }
            #expect(pings("/ping/token-6b1f/fail") == 0)
            let (paused, output) = try await lab.vigil(["pause", "--reason", "heartbeat test"])
            #expect(paused == 0, "\(output)")
            try await LabWait.until("the fail signal", timeout: .seconds(15)) { pings("/ping/token-6b1f/fail") >= 1 }
            let (resumed, _) = try await lab.vigil(["resume"])
            #expect(resumed == 0)
            let before = pings("/ping/token-6b1f")
            try await LabWait.until("heartbeats again", timeout: .seconds(15)) { pings("/ping/token-6b1f") > before }
            #expect(!lab.folder.read("vigil.log").contains("token-6b1f"), "the monitor's token stays out of the log")
        }
    }
}

extension NeverBlindEndToEndTests {
    /// (g) A warm standby and an upstream file that names only the primary (the operator's own):
    /// Vigil lists the standby as `backup` itself; then the primary breaks (refusing, or answering
    /// 500) under a request every 50 ms, and no client request fails: nginx retries each on the
    /// backup until Vigil's failover lands.
    @Test(arguments: [HealthMode.refuse, .status(500)])
    func aWarmStandbyListedByVigilLosesNoRequestWhenThePrimaryBreaks(_ fault: HealthMode) async throws {
        try await AgentLab.with(overSSH: false, startDelay: .zero) { lab in
            _ = try await LabProcess.run(lab.standby.startScript, [])
            try await LabWait.until("the warm standby to listen", timeout: .seconds(15)) { lab.standby.isListening }
            let config = lab.config.replacingOccurrences(of: "    standby:\n", with: "    standby:\n      mode: warm\n")
            let agent = try await lab.startWatching(config: config)
            defer { agent.terminate() }
            try await LabWait.until("Vigil to list the standby as backup", timeout: .seconds(30)) {
                lab.folder.read("vigil.log").contains("switched lb1 to primary (backup standby)")
            }
            let adopted = try await lab.waitForMessage("upstreamAdopted")
            #expect((adopted["reason"] as? String ?? "").contains(".vigil-original"), "\(adopted)")
            #expect(FileManager.default.fileExists(atPath: lab.balancer.upstreamFile + ".vigil-original"))

            var failed: [String] = []
            var sent = 0
            let faultAt = 20
            for round in 0..<260 {
                if round == faultAt { try await lab.primary.setHealth(fault) }
                let outcome = await HTTPEngine.shared.probe(HealthProbe(url: lab.balancer.url + "/", timeout: .seconds(2)))
                sent += 1
                if !outcome.isHealthy { failed.append("request \(round): \(outcome)") }
                try await Task.sleep(for: .milliseconds(50))  // the client's pace, not a synchronisation
            }
            print("warm standby listed by Vigil, primary \(fault): \(failed.count) failed of \(sent) client requests")
            #expect(failed.isEmpty, "\(failed.prefix(10))")
            #expect(await lab.servedByStandby(), "and Vigil failed over meanwhile")
        }
    }
}

extension NeverBlindEndToEndTests {
    /// nginx rejecting its config at a drift check is said in nginx's own words.
    @Test func nginxRejectingItsConfigAtADriftCheckIsSaidInItsOwnWords() async throws {
        try await AgentLab.with(overSSH: false) { lab in
            let agent = try await lab.startWatching(config: "drift_check_interval: 1s\n" + lab.config)
            defer { agent.terminate() }
            let path = lab.balancer.nginx.configPath
            let good = try String(contentsOfFile: path, encoding: .utf8)
            defer {
                do {
                    try good.write(toFile: path, atomically: true, encoding: .utf8)
                } catch {
                    Issue.record("cannot restore the lab's nginx config: \(error)")
                }
            }
            try (good + "\nthis is not nginx;\n").write(toFile: path, atomically: true, encoding: .utf8)
            let message = try await lab.waitForMessage("loadBalancerCheckFailed", timeout: .seconds(15))
            let reason = message["reason"] as? String ?? ""
            #expect(reason.contains("lb1: `") && reason.contains("[emerg]") && reason.contains("unknown directive"), "\(reason)")
        }
    }
}

extension NeverBlindEndToEndTests {
    /// The idle host check: the load balancer's sshd gone (sessions too) → after two failed checks
    /// "a failover now would fail", shown unprotected; sshd back → an all-clear.
    @Test func anSSHHostThatStopsAnsweringWhileIdleIsSaidAndClearedWhenItAnswers() async throws {
        try await AgentLab.with { lab in
            let sshd = try #require(lab.sshd)
            let config = lab.config.replacingOccurrences(of: "ssh:\n", with: "ssh:\n  host_check_interval: 1s\n")
            let agent = try await lab.startWatching(config: config)
            defer { agent.terminate() }
            let gone = clock.now
            sshd.interrupt()
            let message = try await lab.waitForMessage("hostUnreachable", timeout: .seconds(20))
            print("sshd gone to the host-unreachable message (checks every 1 s): \(gone.duration(to: clock.now))")
            let reason = message["reason"] as? String ?? ""
            #expect(reason.contains("unreachable (") && reason.contains("a failover now would fail"), "\(reason)")
            let (_, status) = try await lab.vigil(["status"])
            #expect(status.contains("NOT PROTECTED") && status.contains("unreachable: "), "\(status)")
            try await sshd.resume()
            _ = try await lab.waitForMessage("hostReachable", timeout: .seconds(20))
            // A preflight that ran while it was gone runs again now that it answers.
            var after = ""
            // Generous: the preflight logs in afresh and runs nginx -t, slow while the suite loads both cores.
            try await LabWait.until("the service to be protected again", timeout: .seconds(60), interval: .milliseconds(100)) {
                after = try await lab.vigil(["status"]).output
                return after.contains("; protected")
            }
            #expect(after.contains("; protected"), "\(after)")
        }
    }
}
