import Foundation
import Testing
import VigilCore
import VigilHTTP
import VigilHosts
import VigilLab

/// nginx in front of two backends, switched by rewriting its upstream file over SSH, testing it
/// with `nginx -t` and reloading: the mechanics of Vigil's switch, with the lab's real parts.
@Suite struct LabLoadBalancerTests {
    @Test func trafficFollowsTheUpstreamFileAfterATestedReload() async throws {
        try await withLabServer({ try await LabHTTPBackend.start(name: "primary") }) { primary in
            try await withLabServer({ try await LabHTTPBackend.start(name: "standby") }) { standby in
                try await withLabServer({ try await LabLoadBalancer.start(servers: ["127.0.0.1:\(primary.port)"]) }) { balancer in
                    try await withLabServer({ try await LabSSHServer.start(login: .current) }) { server in
                        let engine = HTTPEngine.shared
                        let throughBalancer = HealthProbe(url: balancer.url + "/", body: .contains("backend: primary"))
                        #expect(await engine.probe(throughBalancer).isHealthy)

                        let connection = SSHConnection(
                            target: SSHTarget(
                                host: "127.0.0.1", port: server.port, user: server.user, identityFile: server.clientKey,
                                knownHostsFile: server.knownHosts))
                        let upstream = LabLoadBalancer.upstreamBlock(servers: ["127.0.0.1:\(standby.port)"])
                        try await connection.replaceFile(balancer.upstreamFile, with: Array(upstream.utf8))
                        let nginx = "\(LabNginx.binary) -c \(shellQuote(balancer.nginx.configPath)) -p \(shellQuote(balancer.nginx.folder.path))"
                        let switched = try await connection.run("\(nginx) -t && \(nginx) -s reload", timeout: .seconds(20))
                        #expect(switched.exitStatus == 0, "\(switched.stderrText)")
                        try await LabWait.until("nginx to serve from the standby") {
                            await engine.probe(HealthProbe(url: balancer.url + "/", body: .contains("backend: standby"))).isHealthy
                        }
                        await connection.close()
                    }
                }
            }
        }
    }

    @Test func nginxTestNamesTheLineOfABrokenUpstream() async throws {
        try await withLabServer({ try await LabLoadBalancer.start(servers: ["127.0.0.1:9"]) }) { balancer in
            try "upstream vigil_app { server ; }\n".write(toFile: balancer.upstreamFile, atomically: true, encoding: .utf8)
            let (status, output) = try await balancer.nginx.test()
            #expect(status != 0)
            #expect(output.contains("[emerg]"))
            #expect(output.contains("upstream.conf:1"))
        }
    }
}
