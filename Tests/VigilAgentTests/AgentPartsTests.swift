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
        let document = StatusDocument(states: [("shop", config, machine.state)], agentHost: "lb-1",
                                      now: Date(timeIntervalSince1970: 1_795_000_001))
        let service = try #require(document.services.first)
        #expect(document.version == 1 && document.generatedAt == "2026-11-18T11:06:41.000Z")
        #expect(service.phase == "failingOver" && service.step == "start standby")
        #expect(service.activeSide == "primary")
        #expect(service.loadBalancers == [.init(name: "lb1", serves: "primary", backup: nil)])
        #expect(service.backends.map(\.role) == ["primary", "standby"])
        let incident = try #require(service.incident)
        #expect(incident.requestedBy == "root (uid 0)" && incident.openedAt == "2026-11-18T11:06:40.000Z")
        #expect(incident.timeline.map(\.text).contains("started start standby"))
        let json = try JSONSerialization.jsonObject(with: Data(document.json().utf8)) as? [String: Any]
        #expect(json?["agentHost"] as? String == "lb-1")
    }
}
