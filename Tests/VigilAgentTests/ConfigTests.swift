import Foundation
import Testing
import VigilAgent
import VigilCore
import VigilLab

/// Config errors name the file, line, column and key path; the example config is valid.
@Suite struct ConfigTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("deploy/vigil.example.yaml").path
    let environment = [
        "VIGIL_SLACK_URL": "https://hooks.slack.com/services/T/B/x", "VIGIL_AUDIT_URL": "https://audit.example/hook",
        "VIGIL_AUDIT_KEY": "k", "VIGIL_HEARTBEAT_URL": "https://hc-ping.example/token",
    ]

    static let minimal = """
        services:
          shop:
            primary:
              address: 127.0.0.1:8081
              health:
                - url: http://127.0.0.1:8081/health
            standby:
              address: 127.0.0.1:8082
              host: local
              start: /bin/true
              health:
                - url: http://127.0.0.1:8082/health
            load_balancers:
              - name: lb1
                host: local
                upstream_file: /tmp/upstream.conf
        """

    /// The config `text` read as `/etc/vigil/vigil.yaml` with `environment`, files not checked.
    static func parse(_ text: String, environment: [String: String] = [:]) throws -> AgentConfig {
        try AgentConfig.parse(text, file: "/etc/vigil/vigil.yaml", environment: environment, checkFiles: false)
    }

    /// What reading `text` says: its error in full, or "no error".
    static func failure(_ text: String, environment: [String: String] = [:]) -> String {
        do {
            _ = try parse(text, environment: environment)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    private func error(_ text: String) -> ConfigError? {
        do {
            _ = try AgentConfig.parse(text, file: "/etc/vigil/vigil.yaml", environment: environment, checkFiles: false)
            return nil
        } catch {
            return error
        }
    }

    @Test func theExampleConfigDocumentsAValidConfig() throws {
        let config = try AgentConfig.load(path: Self.example, environment: environment, checkFiles: false)
        let shop = try #require(config.services.first)
        #expect(shop.core.name == "shop")
        #expect(shop.core.detection == DetectionSettings(), "the example states the defaults")
        #expect(shop.core.failback == .manual(after: .seconds(300)))
        #expect(shop.core.runbook.recoveryTimeObjective == .seconds(60))
        #expect(shop.loadBalancers.map(\.host) == [.local])
        #expect(shop.standby.host == .ssh(host: "app2.example.com", port: 22))
        #expect(config.channels.map(\.name).sorted() == ["audit", "ops-slack"])
        #expect(config.channels.first { $0.name == "audit" }?.signingSecret?.exposed == "k")
    }

    @Test func theClusterExampleIsValidAndItsLeaseFollowsTheRule() throws {
        let path = URL(fileURLWithPath: Self.example).deletingLastPathComponent().appendingPathComponent("vigil.cluster.example.yaml").path
        let config = try AgentConfig.load(
            path: path, environment: ["VIGIL_SLACK_URL": "https://hooks.slack.com/services/T/B/x"], checkFiles: false, secrets: .none)
        let cluster = try #require(config.cluster)
        #expect(cluster.name == "lb1" && cluster.endpoints.count == 3 && cluster.tls.caFile == "/etc/vigil/etcd-ca.pem")
        #expect(ClusterConfig.timingProblem(ttl: cluster.leaseTTL, margin: cluster.effectiveSafetyMargin) == nil)
        #expect(config.services.first?.loadBalancers.map(\.name) == ["lb1", "lb2"])
    }

    @Test func aMinimalConfigGetsSafeDefaults() throws {
        let config = try AgentConfig.parse(Self.minimal, file: "x.yaml", checkFiles: false)
        let shop = config.services[0]
        #expect(shop.core.standbyMode == .cold)
        #expect(shop.core.standby.watchedWhileIdle == false)
        #expect(shop.loadBalancers[0].upstreamName == "shop")
        #expect(shop.loadBalancers[0].testCommand == "nginx -t")
        #expect(config.stateDirectory == "/var/lib/vigil")
    }

    @Test func anUnknownKeyIsNamedWithItsLineAndColumn() {
        let text = Self.minimal.replacingOccurrences(of: "      address: 127.0.0.1:8081", with: "      adress: 127.0.0.1:8081")
        let failure = error(text)
        #expect(
            failure?.description.hasPrefix("/etc/vigil/vigil.yaml:4:7: services.shop.primary.adress: unknown key") == true,
            "\(failure?.description ?? "no error")")
    }

    @Test func wrongTypesAndBadValuesAreNamed() {
        let fallZero = Self.minimal + "\n    detection:\n      fall: 0\n"
        #expect(error(fallZero)?.description.contains("services.shop.detection.fall: must be at least 1") == true)
        let badDuration = Self.minimal + "\n    detection:\n      interval: 5 seconds\n"
        #expect(
            error(badDuration)?.description.contains(":18:17: services.shop.detection.interval: expected a duration") == true,
            "\(error(badDuration)?.description ?? "")")
        let wrongType = Self.minimal + "\n    detection:\n      rise: [2]\n"
        #expect(error(wrongType)?.description.contains("services.shop.detection.rise: expected a whole number") == true)
        let notYAML = "services: [unclosed"
        #expect(error(notYAML)?.description.contains("not valid YAML") == true)
    }

    @Test func aServiceWithoutAStandbyOrALoadBalancerIsRefused() {
        let noStandby = Self.minimal.replacingOccurrences(of: "    standby:", with: "    spare:")
        #expect(error(noStandby)?.description.contains("unknown key") == true)
        let lines = Self.minimal.split(separator: "\n", omittingEmptySubsequences: false)
        let withoutStandby = lines.prefix(6).joined(separator: "\n") + "\n" + lines.suffix(from: 12).joined(separator: "\n")
        #expect(
            error(withoutStandby)?.description.contains("services.shop.standby: missing") == true,
            "\(error(withoutStandby)?.description ?? "")")
        let withoutBalancers = lines.prefix(12).joined(separator: "\n")
        #expect(error(withoutBalancers)?.description.contains("services.shop.load_balancers: missing") == true)
    }

    @Test func secretsAndFilesAreChecked() throws {
        let folder = try LabFolder(prefix: "config")
        defer { folder.remove() }
        try folder.write("hook.url", "https://hooks.example/canary-77\n", mode: 0o644)
        let text = "channels:\n  ops:\n    type: slack\n    url_file: \(folder.file("hook.url"))\n" + Self.minimal
        let failure = error(text)
        #expect(failure?.description.contains(":4:15: channels.ops.url_file: the secret file") == true, "\(failure?.description ?? "")")
        #expect(failure?.description.contains("chmod 600") == true)
        #expect(failure?.description.contains("canary-77") == false)

        let ssh =
            Self.minimal.replacingOccurrences(
                of: "        host: local\n        upstream_file", with: "        host: lb1.example\n        upstream_file")
            + "\nssh:\n  identity_file: \(folder.file("missing_key"))\n"
        do {
            _ = try AgentConfig.parse(ssh, file: "x.yaml", checkFiles: true)
            Issue.record("a missing identity file was accepted")
        } catch {
            #expect(error.description.contains("identity_file \(folder.file("missing_key")) does not exist"))
        }
    }

    @Test func aServiceMayOnlyNotifyConfiguredChannels() {
        let text = Self.minimal + "\n    notify: [nowhere]\n"
        #expect(error(text)?.description.contains("services.shop.notify[0]: no channel named nowhere") == true)
    }
}

extension ConfigTests {
    @Test func theHeartbeatAndTheHostCheckIntervalAreReadAndCheckedWithoutShowingTheURL() throws {
        let text = "heartbeat:\n  url_env: PING\n  interval: 30s\nssh:\n  host_check_interval: off\n" + Self.minimal
        let config = try AgentConfig.parse(text, file: "x.yaml", environment: ["PING": "https://hc-ping.com/token-9"], checkFiles: false)
        #expect(config.heartbeat?.url.exposed == "https://hc-ping.com/token-9")
        #expect(config.heartbeat?.failURL.exposed == "https://hc-ping.com/token-9/fail", "the healthchecks.io convention")
        #expect(config.heartbeat?.interval == .seconds(30))
        #expect(config.services[0].core.hostCheckInterval == nil)
        do {
            _ = try AgentConfig.parse(text, file: "x.yaml", environment: ["PING": "ftp://hc-ping.com/token-9"], checkFiles: false)
            Issue.record("an ftp heartbeat URL was accepted")
        } catch {
            #expect(error.description.contains("x.yaml:2:12: heartbeat.url_env:") && !error.description.contains("token-9"), "\(error)")
        }
        let missing = "heartbeat:\n  interval: 30s\n" + Self.minimal
        #expect(error(missing)?.description.contains("heartbeat: missing url (or url_file, url_env)") == true, "\(error(missing)?.description ?? "")")
        let tooOften = "ssh:\n  host_check_interval: 500ms\n" + Self.minimal
        #expect(error(tooOften)?.description.contains("ssh.host_check_interval: at least 1s, or off") == true)
    }
}
