import Testing
import VigilAgent
import VigilCore

/// `cluster:` as the config reads it: its defaults, the TTL rule, and mistakes named at their
/// place without the password.
@Suite struct ClusterConfigTests {
    static let cluster = """
        cluster:
          name: lb1
          etcd:
            endpoints: [http://10.0.0.5:2379, http://10.0.0.6:2379, http://10.0.0.7:2379]
            user: vigil
            password_env: ETCD_PASSWORD

        """

    private func parse(_ text: String) throws -> AgentConfig { try ConfigTests.parse(text, environment: ["ETCD_PASSWORD": "etcd-canary-41"]) }
    private func failure(_ text: String) -> String { ConfigTests.failure(text, environment: ["ETCD_PASSWORD": "etcd-canary-41"]) }

    @Test func aClusterIsReadWithSafeDefaultsAndEveryServiceJoinsIt() throws {
        let config = try parse(Self.cluster + ConfigTests.minimal)
        let cluster = try #require(config.cluster)
        #expect(cluster.name == "lb1")
        #expect(cluster.endpoints.count == 3)
        #expect(cluster.prefix == "/vigil/")
        #expect(cluster.leaseTTL == .seconds(10))
        #expect(cluster.effectiveSafetyMargin == .seconds(2), "a fifth of the lease")
        #expect(cluster.renewInterval == .seconds(10) / 3)
        #expect(cluster.user == "vigil" && cluster.password?.exposed == "etcd-canary-41")
        #expect(config.services.allSatisfy { $0.core.cluster?.agent == "lb1" && $0.core.cluster?.confirm == nil })
        #expect(try parse(ConfigTests.minimal).cluster == nil, "absent: Vigil runs alone")
        let short = try parse(
            Self.cluster.replacingOccurrences(of: "  name: lb1\n", with: "  name: lb1\n  lease_ttl: 3s\n  confirm: 1\n") + ConfigTests.minimal)
        #expect(short.cluster?.effectiveSafetyMargin == .seconds(1), "at least 1 s")
        #expect(short.services.first?.core.cluster?.confirm == 1)
    }

    @Test func mistakesAreNamedAtTheirPlaceWithoutThePassword() {
        let cases: [(String, String)] = [
            ("  lease_ttl: 1500ms\n", "/etc/vigil/vigil.yaml:3:14: cluster.lease_ttl: a whole number of seconds, at least 2s"),
            ("  lease_ttl: 3s\n  safety_margin: 2500ms\n", "cluster.safety_margin: lease_ttl − safety_margin must be longer than lease_ttl / 3"),
            ("  safety_margin: 500ms\n", "cluster.safety_margin: safety_margin must be at least 1s"),
            ("  prefix: vigil\n", "cluster.prefix: expected a key prefix that starts and ends with /"),
            ("  confirm: 0\n", "cluster.confirm"),
            ("  leader: yes\n", "cluster.leader"),
        ]
        for (line, expected) in cases {
            let said = failure(Self.cluster.replacingOccurrences(of: "  name: lb1\n", with: "  name: lb1\n" + line) + ConfigTests.minimal)
            #expect(said.contains(expected), "\(said)")
            #expect(!said.contains("canary"), "\(said)")
        }
        let noEndpoint = failure("cluster:\n  name: lb1\n  etcd:\n    endpoints: [10.0.0.5:2379]\n" + ConfigTests.minimal)
        #expect(noEndpoint.contains("cluster.etcd.endpoints[0]"), "\(noEndpoint)")
        let halfTLS = failure(
            "cluster:\n  name: lb1\n  etcd:\n    endpoints: https://e:2379\n    cert_file: /etc/vigil/etcd.pem\n" + ConfigTests.minimal)
        #expect(halfTLS.contains("give cert_file and key_file together"), "\(halfTLS)")
        let noUser = failure("cluster:\n  name: lb1\n  etcd:\n    endpoints: https://e:2379\n    password_env: ETCD_PASSWORD\n" + ConfigTests.minimal)
        #expect(noUser.contains("give user and password") && !noUser.contains("canary"), "\(noUser)")
        #expect(failure("cluster:\n  etcd:\n    endpoints: https://e:2379\n" + ConfigTests.minimal).contains("cluster.name: missing"))
    }
}
