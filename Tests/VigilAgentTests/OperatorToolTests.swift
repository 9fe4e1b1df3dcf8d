import Foundation
import Testing
import VigilCore
import VigilLab

/// What an operator runs by hand, as real processes against the lab: forced failovers with and
/// without a daemon, the dry run, check, render, notify test, config check --connect, the
/// control socket's permissions.
@Suite struct OperatorToolTests {
    /// (d) `vigil failover --force` against the running daemon: one runbook, each step printed.
    @Test func anOperatorFailoverAgainstTheDaemonReportsEachStep() async throws {
        try await AgentLab.with { lab in
            let agent = try lab.launchAgent()
            defer { agent.terminate() }
            let socket = lab.folder.file("state/vigil.sock")
            try await LabWait.until("the control socket", timeout: .seconds(20)) { FileManager.default.fileExists(atPath: socket) }
            let mode = try FileManager.default.attributesOfItem(atPath: socket)[.posixPermissions] as? Int
            #expect(mode == 0o660)
            let status = try await lab.vigil(["status"])
            #expect(status.output.contains("shop: primaryActive"))
            let plan = try await lab.vigil(["failover", "--dry-run"])
            #expect(plan.status == 0, "\(plan.output)")
            #expect(plan.output.contains("-    server 127.0.0.1:\(lab.primary.port)"), "the diff of the upstream file: \(plan.output)")
            #expect(plan.output.contains("+    server \(lab.standby.address)"), "\(plan.output)")
            let (code, output) = try await lab.vigil(["failover", "--force", "--reason", "drill"])
            #expect(code == 0, "\(output)")
            for words in [
                "started start standby", "succeeded health gate of standby", "succeeded switch load balancer 0 to standby", "secondaryActive",
            ] {
                #expect(output.contains(words), "\(words) in \(output)")
            }
            #expect(await lab.servedByStandby())
            let started = try await lab.receiver.waitForRequests(1)[0]
            #expect(started.bodyText.contains("drill"))
            #expect(started.bodyText.contains("uid 0"), "the caller's uid from the socket's peer credentials")
            let again = try await lab.vigil(["failover", "--force"])
            #expect(again.status == 1 && again.output.contains("refused"), "\(again.output)")
        }
    }

    /// Without a daemon, `failover --force` runs the runbook itself under the run lock, delivers
    /// its messages before it exits, and a daemon cannot start meanwhile.
    @Test func aForcedFailoverWithoutADaemonRunsHereUnderTheLock() async throws {
        try await AgentLab.with(startDelay: .seconds(3)) { lab in
            try lab.folder.write("vigil.yaml", lab.config)
            let failover = try LabProcess.launch(
                LabBinary.path("vigil"), ["failover", "--force", "--reason", "no daemon", "--config", lab.configPath],
                name: "vigil failover", log: lab.folder.file("failover.log"))
            defer { failover.terminate() }
            try await LabWait.until("the one-off runbook to start", timeout: .seconds(30)) {
                lab.folder.read("failover.log").contains("started start standby")
            }
            let daemon = try lab.launchAgent(log: "daemon.log")
            defer { daemon.terminate() }
            do {
                try await LabWait.until("the daemon to give up", timeout: .seconds(20)) { !daemon.isRunning }
            } catch {
                Issue.record("\(lab.folder.read("daemon.log"))\n---\n\(lab.folder.read("failover.log"))")
                throw error
            }
            #expect(
                daemon.exitCode == 1 && lab.folder.read("daemon.log").contains("holds the run lock"),
                "\(lab.folder.read("daemon.log"))\n\(lab.folder.read("failover.log"))")
            try await LabWait.until("the one-off failover to end", timeout: .seconds(60)) { !failover.isRunning }
            let output = lab.folder.read("failover.log")
            #expect(failover.exitCode == 0, "\(output)")
            #expect(output.contains("no daemon is running; running the failover here"))
            #expect(output.contains("secondaryActive"), "\(output)")
            #expect(await lab.servedByStandby())
            #expect(AgentLab.kinds(lab.receiver.requests) == ["incidentStarted", "incidentResolved"], "delivered before it exited")
        }
    }

    /// With several services, an action must name one (or --all); the refusal lists them.
    @Test func withSeveralServicesAnActionMustNameOne() async throws {
        try await AgentLab.with(overSSH: false) { lab in
            let parts = lab.config.components(separatedBy: "services:\n")
            try FileManager.default.copyItem(atPath: lab.balancer.upstreamFile, toPath: lab.folder.file("cart.conf"))
            let cart = parts[1].replacingOccurrences(of: "  shop:\n", with: "  cart:\n")
                .replacingOccurrences(of: "upstream_file: \(lab.balancer.upstreamFile)", with: "upstream_file: \(lab.folder.file("cart.conf"))")
            let agent = try lab.launchAgent(config: parts[0] + "services:\n" + parts[1] + cart)
            defer { agent.terminate() }
            try await LabWait.until("the control socket", timeout: .seconds(20)) {
                FileManager.default.fileExists(atPath: lab.folder.file("state/vigil.sock"))
            }
            let refused = try await lab.vigil(["failover", "--force"])
            #expect(refused.status == 1 && refused.output.contains("name a service with --service (or --all): shop, cart"), "\(refused.output)")
            let status = try await lab.vigil(["status"])
            #expect(status.output.contains("shop: primaryActive") && status.output.contains("cart: primaryActive"), "\(status.output)")
            let unknown = try await lab.vigil(["pause", "--service", "basket"])
            #expect(unknown.status == 1 && unknown.output.contains("no service named basket; configured: shop, cart"), "\(unknown.output)")
            let plan = try await lab.vigil(["failover", "--dry-run", "--service", "cart"])
            #expect(plan.status == 0 && plan.output.contains("cart: the plan"), "\(plan.output)")
        }
    }

    @Test func commandsWithoutADaemonSaySo() async throws {
        try await AgentLab.with(overSSH: false) { lab in
            try lab.folder.write("vigil.yaml", lab.config)
            let (code, output) = try await lab.vigil(["status"])
            #expect(code == 69)
            #expect(output.contains("no vigil daemon is running"))
            let refused = try await lab.vigil(["failover"])
            #expect(refused.status == 64 && refused.output.contains("--force"), "\(refused.output)")
        }
    }

    /// A socket in a folder the caller may not read is "cannot be opened", never "no daemon";
    /// the group option gives the socket to that group.
    @Test func theControlSocketBelongsToItsGroupAndAnUnopenableOneIsReported() async throws {
        try await AgentLab.with(overSSH: false) { lab in
            let group = "nogroup"
            let gid = try #require(getgrnam(group)?.pointee.gr_gid, "Debian's nogroup")
            let socket = lab.folder.file("state/vigil.sock")
            let agent = try lab.launchAgent(
                config: lab.config.replacingOccurrences(of: "  path: \(socket)\n", with: "  path: \(socket)\n  group: \(group)\n"))
            defer { agent.terminate() }
            try await LabWait.until("the control socket", timeout: .seconds(20)) { FileManager.default.fileExists(atPath: socket) }
            let attributes = try FileManager.default.attributesOfItem(atPath: socket)
            #expect((attributes[.groupOwnerAccountID] as? NSNumber)?.uint32Value == gid)
            #expect(attributes[.posixPermissions] as? Int == 0o660)
            // Another user, outside the group: the config is readable, the state folder is not.
            chmod(lab.folder.path, 0o755)
            chmod(lab.configPath, 0o644)
            try LabProcess.require("/usr/bin/setpriv", package: "util-linux")
            let (status, output) = try await LabProcess.run(
                "/usr/bin/setpriv",
                [
                    "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                    LabBinary.path("vigil"), "status", "--config", lab.configPath,
                ],
                check: false)
            #expect(status == 1, "\(output)")
            #expect(output.contains("exists but cannot be opened") || output.contains("cannot be opened"), "\(output)")
            #expect(!output.contains("no vigil daemon is running"))
            let valid = try await lab.vigil(["config", "check"])
            #expect(valid.status == 0, "\(valid.output)")
            try lab.folder.write(
                "vigil.yaml", lab.config.replacingOccurrences(of: "  path: \(socket)\n", with: "  path: \(socket)\n  group: no-such-group-vigil\n"))
            let refused = try await lab.vigil(["config", "check"])
            #expect(refused.status == 78 && refused.output.contains("control_socket.group: no group named no-such-group-vigil"), "\(refused.output)")
        }
    }

    /// `vigil check` probes everything once; `vigil render` prints the file Vigil would write;
    /// `vigil notify test` reaches each channel and says how.
    @Test func checkRenderAndNotifyTest() async throws {
        try await AgentLab.with(overSSH: false) { lab in
            try lab.folder.write("vigil.yaml", lab.config)
            let healthy = try await lab.vigil(["check"])
            #expect(healthy.status == 0, "\(healthy.output)")
            #expect(healthy.output.contains("SERVICE") && healthy.output.contains("primary") && healthy.output.contains(" ok "), "\(healthy.output)")
            #expect(healthy.output.contains("cold standby, not started: expected"), "\(healthy.output)")
            try await lab.primary.setHealth(.status(500))
            let down = try await lab.vigil(["check"])
            #expect(down.status == 1 && down.output.contains("DOWN: HTTP 500"), "\(down.output)")

            let render = try await lab.vigil(["render", "--service", "shop", "--active", "standby"])
            #expect(render.status == 0)
            #expect(
                render.output.contains("upstream \(lab.balancer.upstreamName) {") && render.output.contains("server \(lab.standby.address)"),
                "\(render.output)")
            let unknown = try await lab.vigil(["render", "--service", "nope", "--active", "standby"])
            #expect(unknown.status == 64 && unknown.output.contains("configured: shop"), "\(unknown.output)")

            let sent = try await lab.vigil(["notify", "test"])
            #expect(sent.status == 0 && sent.output.contains("ok   hooks: delivered"), "\(sent.output)")
            #expect(AgentLab.kinds(lab.receiver.requests) == ["test"])
            lab.receiver.setDefault(.status(403))
            let refused = try await lab.vigil(["notify", "test", "--channel", "hooks"])
            #expect(refused.status == 1 && refused.output.contains("HTTP 403"), "\(refused.output)")
            #expect(!refused.output.contains("/vigil"), "the URL is never printed")
        }
    }

    /// `config check --connect` checks every SSH host key; `--trust-new-host-keys` adds an
    /// unknown one after showing its fingerprint; a changed key is never trusted.
    @Test func configCheckConnectChecksAndTrustsHostKeys() async throws {
        try await AgentLab.with { lab in
            let sshd = try #require(lab.sshd)
            try lab.folder.write("vigil.yaml", lab.config)
            let known = try await lab.vigil(["config", "check", "--connect"])
            #expect(known.status == 0 && known.output.contains("ok    root@127.0.0.1:\(sshd.port)"), "\(known.output)")

            try lab.folder.write("empty_known_hosts", "", mode: 0o600)
            let fresh = lab.config.replacingOccurrences(
                of: "known_hosts: \(sshd.knownHosts)", with: "known_hosts: \(lab.folder.file("empty_known_hosts"))")
            try lab.folder.write("vigil.yaml", fresh)
            let unknown = try await lab.vigil(["config", "check", "--connect"])
            #expect(unknown.status == 1 && unknown.output.contains("is not in"), "\(unknown.output)")
            let trusted = try await lab.vigil(["config", "check", "--connect", "--trust-new-host-keys"])
            #expect(trusted.status == 0 && trusted.output.contains("SHA256:") && trusted.output.contains("added"), "\(trusted.output)")
            #expect(lab.folder.read("empty_known_hosts").contains("[127.0.0.1]:\(sshd.port)"))
            let again = try await lab.vigil(["config", "check", "--connect"])
            #expect(again.status == 0, "\(again.output)")

            let mismatched = try await sshd.mismatchedKnownHosts()
            try lab.folder.write(
                "vigil.yaml", lab.config.replacingOccurrences(of: "known_hosts: \(sshd.knownHosts)", with: "known_hosts: \(mismatched)"))
            let impostor = try await lab.vigil(["config", "check", "--connect", "--trust-new-host-keys"])
            #expect(impostor.status == 1 && impostor.output.contains("HOST KEY MISMATCH"), "\(impostor.output)")
        }
    }
}

extension OperatorToolTests {
    /// `vigil notify test --channel X` reaches a channel of every new type, as configured: the
    /// PagerDuty and Telegram APIs and a Teams webhook at the lab's receiver, and mail at the
    /// lab's SMTP server over STARTTLS with a login.
    @Test func notifyTestReachesEveryChannelType() async throws {
        try await AgentLab.with(overSSH: false) { lab in
            let certificates = try await LabCertificates.make(in: lab.folder)
            try await withLabServer({ try await LabSMTPServer.start(certificates: certificates, login: ("vigil", "mail-secret")) }) {
                smtp in
                try lab.folder.write("pd.key", "pd-routing-key\n", mode: 0o600)
                let channels = """
                    channels:
                      pager:
                        type: pagerduty
                        routing_key_file: \(lab.folder.file("pd.key"))
                        api_url: \(lab.receiver.url(path: ""))
                      tg:
                        type: telegram
                        token: "123:abc"
                        chat_id: "-100200"
                        api_url: \(lab.receiver.url(path: "/tg"))
                      teams:
                        type: teams
                        url: \(lab.receiver.url(path: "/teams"))
                      mail:
                        type: email
                        url: \(smtp.url())
                        from: vigil@example.com
                        to: ops@example.com
                        username: vigil
                        password: mail-secret
                        ca_file: \(certificates.caCertificate)
                    """
                try lab.folder.write("vigil.yaml", lab.config.replacingOccurrences(of: "channels:\n", with: channels + "\n"))
                for (channel, path) in [("pager", "/v2/enqueue"), ("tg", "/tg/bot123:abc/sendMessage"), ("teams", "/teams"), ("mail", nil)] {
                    let sent = try await lab.vigil(["notify", "test", "--channel", channel])
                    #expect(sent.status == 0 && sent.output.contains("ok   \(channel): delivered"), "\(sent.output)")
                    if let path { #expect(lab.receiver.requests.last?.path == path, "\(channel)") }
                }
                let mail = try #require(try await smtp.waitForMails(1).first)
                #expect(mail.tls && mail.login == "vigil" && mail.header("Subject") == "Vigil test message")
            }
        }
    }
}
