import Foundation
import Testing
@testable import VigilAgent
import VigilCore

/// The agent's small pure parts: the upstream diff and the status document.
@Suite struct AgentPartsTests {
    @Test func theDiffShowsWhatASwitchChangesWithContext() {
        let old = "# head\nupstream app {\n    server 127.0.0.1:1;\n}\n"
        let new = "# head\nupstream app {\n    server 127.0.0.1:2;\n    server 127.0.0.1:1 backup;\n}\n"
        #expect(LineDiff.unified(old, new, oldName: "lb1:a.conf", newName: "lb1:a.conf (new)") == """
            --- lb1:a.conf
            +++ lb1:a.conf (new)
            @@ -1,4 +1,5 @@
             # head
             upstream app {
            -    server 127.0.0.1:1;
            +    server 127.0.0.1:2;
            +    server 127.0.0.1:1 backup;
             }
            """)
        #expect(LineDiff.unified(old, old, oldName: "lb1:a.conf", newName: "x") == "  (no change to lb1:a.conf)")
    }

    @Test func farApartChangesMakeSeparateHunks() {
        let old = (1...20).map { "line \($0)" }.joined(separator: "\n") + "\n"
        let new = old.replacingOccurrences(of: "line 2\n", with: "line two\n").replacingOccurrences(of: "line 19\n", with: "")
        let diff = LineDiff.unified(old, new, oldName: "a", newName: "b")
        #expect(diff.components(separatedBy: "\n@@ ").count == 3, "\(diff)")
        #expect(diff.contains("@@ -1,5 +1,5 @@") && diff.contains("@@ -16,5 +16,4 @@"), "\(diff)")
    }

    @Test func theFirstDifferenceIsALineNumber() {
        #expect(LineDiff.firstDifference("a\nb\nc\n", "a\nb\nc\n") == nil)
        #expect(LineDiff.firstDifference("a\nb\nc\n", "a\nB\nc\n") == 2)
        #expect(LineDiff.firstDifference("a\nb\n", "a\nb\n# tuned\n") == 3)
    }

    @Test func theStatusDocumentDescribesARunbookInFlight() throws {
        let config = ServiceConfig(name: "shop", loadBalancers: ["lb1"])
        var machine = ServiceStateMachine(config: config, upstreams: [UpstreamLayout(active: .primary)])
        let now = Instant(.milliseconds(1_795_000_000_000))
        _ = machine.handle(.started, at: now)
        _ = machine.handle(.operatorRequested(OperatorRequest(.failover(skipGate: false, dryRun: false), by: "root (uid 0)", reason: "drill")),
                           at: now)
        let document = StatusDocument(services: [.init(name: "shop", config: config, state: machine.state)], agentHost: "lb-1",
                                      now: Date(timeIntervalSince1970: 1_795_000_001))
        let service = try #require(document.services.first)
        #expect(document.version == 1 && document.generatedAt == "2026-11-18T11:06:41.000Z")
        #expect(service.phase == "failingOver" && service.step == "start standby")
        #expect(service.status == "degraded" && document.overall == "degraded", "a drill: the primary is not down")
        #expect(service.activeSide == "primary")
        #expect(service.loadBalancers == [.init(name: "lb1", serves: "primary", backup: nil)])
        #expect(service.backends.map(\.role) == ["primary", "standby"])
        let incident = try #require(service.incident)
        #expect(incident.requestedBy == "root (uid 0)" && incident.openedAt == "2026-11-18T11:06:40.000Z")
        #expect(incident.timeline.map(\.text).contains("started start standby"))
        let json = try JSONSerialization.jsonObject(with: Data(document.json().utf8)) as? [String: Any]
        #expect(json?["agentHost"] as? String == "lb-1")
    }

    @Test func metricsAreValidTextWithEscapedLabelsAndWholeHistograms() {
        let telemetry = Telemetry()
        telemetry.recordChecks(service: "shop", backend: .primary, probes: ["http://127.0.0.1:1/he\"alth"],
                               outcomes: [.failed(.refused)], seconds: [0.003], at: Date())
        telemetry.recordDelivery(channel: "ops", result: "delivered")
        let config = ServiceConfig(name: "shop", loadBalancers: ["lb1"])
        let machine = ServiceStateMachine(config: config, upstreams: [UpstreamLayout(active: .primary)])
        let text = MetricsExposition.render(telemetry: telemetry, services: [("shop", machine.state)])
        #expect(text.contains(#"vigil_probe_results_total{backend="primary",probe="http://127.0.0.1:1/he\"alth",result="refused",service="shop"} 1"#),
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

    @Test func aRunbookIsCountedOnceEvenWhenItsSnapshotIsSavedAgain() {
        let telemetry = Telemetry()
        var scenario = ServiceStateMachine(config: ServiceConfig(name: "shop", loadBalancers: ["lb1"]), upstreams: [UpstreamLayout(active: .primary)])
        let start = Instant(.seconds(1_000))
        _ = scenario.handle(.started, at: start)
        _ = scenario.handle(.operatorRequested(OperatorRequest(.failover(skipGate: true, dryRun: false), by: "root", reason: "drill")), at: start)
        _ = scenario.handle(.stepFinished(.start(.standby), .succeeded), at: start + .seconds(1))
        _ = scenario.handle(.stepFinished(.switchUpstream(loadBalancer: 0, to: UpstreamLayout(active: .standby)), .succeeded), at: start + .seconds(2))
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

    @Test func theServiceStatusSaysWhetherPeopleAreServed() {
        var state = ServiceStateMachine(config: ServiceConfig(name: "shop", loadBalancers: ["lb1"]), upstreams: [UpstreamLayout(active: .primary)]).state
        #expect(StatusDocument.status(state) == "operational")
        var down = BackendHealth()
        for second in 0..<3 { _ = down.record([.failed(.refused)], of: .standby, at: Instant(.seconds(second * 2)), settings: DetectionSettings()) }
        #expect(down.status == .down)
        state.health[.standby] = down
        #expect(StatusDocument.status(state) == "degraded")
        state.health[.primary] = down
        #expect(StatusDocument.status(state) == "outage")
        state.phase = .paused
        #expect(StatusDocument.status(state) == "maintenance")
    }
}

