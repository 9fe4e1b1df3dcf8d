import Foundation
import Testing
import VigilCore

@testable import VigilStatus

@Suite struct MetricsTests {
    @Test func metricsAreValidTextWithEscapedLabelsAndWholeHistograms() {
        let telemetry = Telemetry()
        telemetry.recordChecks(
            service: "shop", backend: .primary, probes: ["http://127.0.0.1:1/he\"alth"],
            outcomes: [.failed(.refused)], seconds: [0.003], at: Date())
        telemetry.recordDelivery(channel: "ops", result: "delivered")
        var config = ServiceConfig(name: "shop", loadBalancers: ["lb1"])
        config.hosts = ["lb1"]
        var machine = ServiceStateMachine(config: config, upstreams: [UpstreamLayout(active: .primary)])
        for _ in 0..<2 { _ = machine.handle(.hostChecked("lb1", problem: "connection refused"), at: .zero) }
        let text = MetricsExposition.render(
            telemetry: telemetry, services: [("shop", machine.state, machine.isProtected)],
            channels: [StatusDocument.ChannelStatus(name: "ops", pending: 3, oldestSeconds: 42.5)])
        #expect(text.contains(#"vigil_service_protected{service="shop"} 0"#), "\(text)")
        #expect(text.contains(#"vigil_host_up{host="lb1",service="shop"} 0"#))
        #expect(text.contains(#"vigil_outbox_pending{channel="ops"} 3"#))
        #expect(text.contains(#"vigil_outbox_oldest_seconds{channel="ops"} 42.5"#))
        #expect(
            text.contains(#"vigil_probe_results_total{backend="primary",probe="http://127.0.0.1:1/he\"alth",result="refused",service="shop"} 1"#),
            "\(text)")
        #expect(text.contains(#"le="0.0025",probe="http://127.0.0.1:1/he\"alth",service="shop"} 0"#))
        #expect(text.contains(#"le="0.005",probe="http://127.0.0.1:1/he\"alth",service="shop"} 1"#))
        #expect(text.contains(#"le="+Inf",probe="http://127.0.0.1:1/he\"alth",service="shop"} 1"#))
        #expect(text.contains(#"vigil_service_phase{phase="primaryActive",service="shop"} 1"#))
        #expect(text.contains(#"vigil_notifications_total{channel="ops",result="delivered"} 1"#))
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            #expect(line.hasPrefix("vigil_") && line.split(separator: " ").count == 2, "one sample a line: \(line)")
        }
    }

    @Test func aClusterMemberShowsItsLeadershipItsMembersAndItsCallsToEtcd() {
        let telemetry = Telemetry()
        for seconds in [0.0008, 0.004, 0.3] { telemetry.recordEtcdRequest(seconds: seconds) }
        let cluster = ClusterStatus(
            agent: "lb1", standing: .leading, leader: "lb1", epoch: 41, leaseLeft: .milliseconds(1_500), members: ["lb1", "lb2"],
            problem: nil, endpoints: ["http://127.0.0.1:2379"])
        let text = MetricsExposition.render(telemetry: telemetry, services: [], cluster: cluster)
        #expect(text.contains(#"vigil_cluster_leader{agent="lb1"} 1"#), "\(text)")
        #expect(text.contains("vigil_cluster_members 2"))
        #expect(text.contains(#"vigil_etcd_request_duration_seconds_bucket{le="0.001"} 1"#), "\(text)")
        #expect(text.contains(#"vigil_etcd_request_duration_seconds_bucket{le="0.5"} 3"#))
        #expect(text.contains("vigil_etcd_request_duration_seconds_count 3"))
        let follower = ClusterStatus(
            agent: "lb2", standing: .lost("no etcd endpoint answers"), leader: "lb1", epoch: nil, leaseLeft: nil, members: ["lb2"],
            problem: nil, endpoints: [])
        #expect(MetricsExposition.render(telemetry: telemetry, services: [], cluster: follower).contains(#"vigil_cluster_leader{agent="lb2"} 0"#))
        #expect(follower.summary == "cluster: lb2 is lost; lb1 leads; agents: lb2; PROBLEM: no etcd endpoint answers")
        #expect(cluster.summary == "cluster: lb1 is leading (epoch 41, lease 1.5s left); agents: lb1, lb2")
        #expect(!MetricsExposition.render(telemetry: telemetry, services: []).contains("vigil_cluster"), "alone: no cluster metrics")
    }

    @Test func aRunbookIsCountedOnceEvenWhenItsSnapshotIsSavedAgain() {
        let telemetry = Telemetry()
        var scenario = ServiceStateMachine(config: ServiceConfig(name: "shop", loadBalancers: ["lb1"]), upstreams: [UpstreamLayout(active: .primary)])
        let start = Instant(.seconds(1_000))
        _ = scenario.handle(.started, at: start)
        _ = scenario.handle(.operatorRequested(OperatorRequest(.failover(skipGate: true, dryRun: false), by: "root", reason: "drill")), at: start)
        _ = scenario.handle(.stepFinished(.start(.standby), .succeeded), at: start + .seconds(1))
        _ = scenario.handle(
            .stepFinished(.switchUpstream(loadBalancer: 0, to: UpstreamLayout(active: .standby)), .succeeded), at: start + .seconds(2))
        #expect(scenario.phase == .secondaryActive)
        telemetry.observe(service: "shop", snapshot: scenario.state)
        telemetry.observe(service: "shop", snapshot: scenario.state)
        let counted = telemetry.state.withLock { $0.runbooks }
        #expect(counted.values.reduce(0, +) == 1)
        let steps = telemetry.state.withLock { $0.stepDurations }
        #expect(steps[.init(service: "shop", step: "start")]?.count == 1 && steps[.init(service: "shop", step: "start")]?.sum == 1)
        let fresh = Telemetry()
        fresh.observe(service: "shop", snapshot: scenario.state, counting: false)
        fresh.observe(service: "shop", snapshot: scenario.state)
        #expect(fresh.state.withLock { $0.runbooks.isEmpty && $0.stepDurations.isEmpty }, "a restart does not count the past again")
    }
}
