import Foundation
import Testing
import VigilCore
import VigilHTTP
import VigilHosts
import VigilLab
import VigilUpstream

/// The switch on a real nginx, over a real sshd and on the local host.
@Suite struct UpstreamSwitcherTests {
    private func withLab(_ body: (LabHTTPBackend, LabHTTPBackend, LabLoadBalancer, LabSSHServer) async throws -> Void) async throws {
        try await withLabServer({ try await LabHTTPBackend.start(name: "primary") }) { primary in
            try await withLabServer({ try await LabHTTPBackend.start(name: "standby") }) { standby in
                try await withLabServer({ try await LabLoadBalancer.start(servers: ["127.0.0.1:\(primary.port)"]) }) { balancer in
                    try await withLabServer({ try await LabSSHServer.start(login: .current) }) { server in
                        try await body(primary, standby, balancer, server)
                    }
                }
            }
        }
    }

    private func target(_ balancer: LabLoadBalancer, host: any VigilHosts.Host) -> LoadBalancerTarget {
        let nginx = "\(LabNginx.binary) -c \(shellQuote(balancer.nginx.configPath)) -p \(shellQuote(balancer.nginx.folder.path))"
        return LoadBalancerTarget(
            name: "lb0", host: host, upstreamFile: balancer.upstreamFile,
            testCommand: "\(nginx) -t", reloadCommand: "\(nginx) -s reload")
    }

    private func ssh(_ server: LabSSHServer) -> SSHConnection {
        SSHConnection(
            target: SSHTarget(
                host: "127.0.0.1", port: server.port, user: server.user, identityFile: server.clientKey,
                knownHostsFile: server.knownHosts))
    }

    private func upstream(_ balancer: LabLoadBalancer, _ address: String) throws -> String {
        try UpstreamTemplate().render(service: "shop", upstream: balancer.upstreamName, servers: [UpstreamServer(address: address)])
    }

    private func served(_ balancer: LabLoadBalancer, by name: String) async -> Bool {
        await HTTPEngine.shared.probe(HealthProbe(url: balancer.url + "/", body: .contains("backend: \(name)"))).isHealthy
    }

    @Test func aSwitchOverSSHMovesTrafficAndKeepsTheOldFileAsTheBackup() async throws {
        try await withLab { _, standby, balancer, server in
            let connection = ssh(server)
            let old = try String(contentsOfFile: balancer.upstreamFile, encoding: .utf8)
            let result = await UpstreamSwitcher().apply(
                try upstream(balancer, "127.0.0.1:\(standby.port)"),
                to: target(balancer, host: connection),
                verify: HealthProbe(url: balancer.url + "/", body: .contains("backend: standby")))
            guard case .switched(let durations, _) = result else {
                Issue.record("expected a switch, got \(result)")
                return
            }
            #expect(durations[.verify] != nil)
            #expect(await served(balancer, by: "standby"))
            #expect(try String(contentsOfFile: balancer.upstreamFile + ".vigil-backup", encoding: .utf8) == old)
            await connection.close()
        }
    }

    @Test func theEpochFenceRefusesToReplaceANewerLeadersFileInTheSameRoundTrip() async throws {
        try await withLab { primary, standby, balancer, server in
            let connection = ssh(server)
            var newer = target(balancer, host: connection)
            newer.epoch = 41
            let newerFile = UpstreamSwitcher.epochHeader(41, writer: "lb2") + (try upstream(balancer, "127.0.0.1:\(standby.port)"))
            guard case .switched = await UpstreamSwitcher().apply(newerFile, to: newer) else {
                Issue.record("the newer leader's switch should land")
                return
            }
            var stale = newer
            stale.epoch = 40
            let staleFile = UpstreamSwitcher.epochHeader(40, writer: "lb1") + (try upstream(balancer, "127.0.0.1:\(primary.port)"))
            let result = await UpstreamSwitcher().apply(staleFile, to: stale)
            guard case .failed(.fence, let message, restored: true, _) = result else {
                Issue.record("expected the fence to refuse the stale switch, got \(result)")
                return
            }
            #expect(message.contains("the file carries epoch 41, newer than this writer's 40"), "\(message)")
            #expect(try String(contentsOfFile: balancer.upstreamFile, encoding: .utf8) == newerFile, "the newer leader's file stays")
            #expect(!FileManager.default.fileExists(atPath: balancer.upstreamFile + ".vigil-new"), "the stale upload is removed")
            #expect(!(await UpstreamSwitcher().restore(stale)), "a stale rollback is refused too")
            #expect(try String(contentsOfFile: balancer.upstreamFile, encoding: .utf8) == newerFile)
            #expect(await served(balancer, by: "standby"))
            // The same epoch, and a later one, may write.
            guard case .switched = await UpstreamSwitcher().apply(newerFile, to: newer) else {
                Issue.record("the leader itself may write again")
                return
            }
            await connection.close()
        }
    }

    @Test func aFileNginxRejectsIsRolledBackWithNginxsMessage() async throws {
        try await withLab { _, _, balancer, server in
            let connection = ssh(server)
            let old = try String(contentsOfFile: balancer.upstreamFile, encoding: .utf8)
            let broken = "upstream \(balancer.upstreamName) { server 127.0.0.1:notaport; }\n"
            let result = await UpstreamSwitcher().apply(broken, to: target(balancer, host: connection))
            guard case .failed(.test, let message, restored: true, _) = result else {
                Issue.record("expected a failed test, restored, got \(result)")
                return
            }
            #expect(message.contains("[emerg]"))
            #expect(try String(contentsOfFile: balancer.upstreamFile, encoding: .utf8) == old, "the old file is back, whole")
            #expect(await served(balancer, by: "primary"))
            await connection.close()
        }
    }

    @Test func aSwitchThatDoesNotVerifyIsRolledBack() async throws {
        try await withLab { _, _, balancer, server in
            let connection = ssh(server)
            let closed = try LabClosedPort()
            defer { closed.stop() }
            let result = await UpstreamSwitcher().apply(
                try upstream(balancer, "127.0.0.1:\(closed.port)"),
                to: target(balancer, host: connection),
                verify: HealthProbe(url: balancer.url + "/"), verifyWithin: .seconds(2))
            guard case .failed(.verify, _, restored: true, _) = result else {
                Issue.record("expected a failed verification, restored, got \(result)")
                return
            }
            try await LabWait.until("nginx to serve the primary again") { await served(balancer, by: "primary") }
            await connection.close()
        }
    }

    @Test func theSameSwitchWorksOnTheLocalHost() async throws {
        try await withLab { _, standby, balancer, _ in
            let result = await UpstreamSwitcher().apply(
                try upstream(balancer, "127.0.0.1:\(standby.port)"),
                to: target(balancer, host: LocalHost()),
                verify: HealthProbe(url: balancer.url + "/", body: .contains("backend: standby")))
            guard case .switched = result else {
                Issue.record("expected a switch, got \(result)")
                return
            }
            #expect(await served(balancer, by: "standby"))
        }
    }
}
