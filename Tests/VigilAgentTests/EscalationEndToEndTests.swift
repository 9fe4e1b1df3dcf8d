import Foundation
import Testing
import VigilLab

/// The agent chasing an incident nobody takes on: a stuck failover reaches the escalation
/// channel when it is not acknowledged, and does not once `vigil ack` took it on.
@Suite struct EscalationEndToEndTests {
    static let escalateAfter = 3

    /// The lab's config with a second channel, `pager`, that only the escalation names.
    static func config(_ lab: AgentLab, pager: LabWebhookReceiver) -> String {
        lab.config(withServiceLines: "    escalate:\n      - {after: \(escalateAfter)s, to: [pager]}\n")
            .replacingOccurrences(of: "channels:\n", with: "channels:\n  pager:\n    type: webhook\n    url: \(pager.url(path: "/pager"))\n")
    }

    /// The agent watching with the pager channel, and a failover that gets stuck at the
    /// standby's start: an incident that stays open.
    static func withStuckIncident(_ body: (AgentLab, LabWebhookReceiver) async throws -> Void) async throws {
        try await AgentLab.with { lab in
            try await withLabServer({ try await LabWebhookReceiver.start() }) { pager in
                try lab.standby.failStarts(true)
                let agent = try await lab.startWatching(config: Self.config(lab, pager: pager))
                defer { agent.terminate() }
                try await lab.primary.setHealth(.refuse)
                try await body(lab, pager)
            }
        }
    }

    @Test func anUnacknowledgedIncidentReachesTheEscalationChannel() async throws {
        try await Self.withStuckIncident { lab, pager in
            _ = try await lab.waitForMessage("runbookFailed")
            let escalated = try await pager.waitForRequests(1, timeout: .seconds(30))
            #expect(AgentLab.kinds(escalated) == ["incidentEscalated"])
            let body = try #require(AgentLab.json(escalated[0]))
            #expect((body["reason"] as? String)?.hasPrefix("not acknowledged after \(Self.escalateAfter)s") == true, "\(body)")
            #expect(!AgentLab.kinds(lab.receiver.requests).contains("incidentEscalated"), "only the escalation's channels get it")
            let (_, status) = try await lab.vigil(["status", "--json"])
            #expect(status.contains("not acknowledged: escalated to pager"), "the timeline records it: \(status.prefix(2_000))")
        }
    }

    @Test func anAcknowledgedIncidentDoesNot() async throws {
        try await Self.withStuckIncident { lab, pager in
            _ = try await lab.waitForMessage("incidentStarted")
            let seen = Date()
            let ack = try await lab.vigil(["ack", "--reason", "looking at the standby"])
            #expect(ack.status == 0 && ack.output.contains("ack accepted"), "\(ack.output)")
            let acknowledged = try await lab.waitForMessage("incidentAcknowledged")
            #expect((acknowledged["reason"] as? String)?.contains("looking at the standby") == true, "\(acknowledged)")
            // Absence needs a window: past the escalation's time (counted from the first failed
            // check, before `seen`) with a margin, nothing may reach the pager.
            let windowEnd = seen.addingTimeInterval(Double(Self.escalateAfter) + 4)
            try await LabWait.until("the escalation's time and a margin to pass", timeout: .seconds(15), interval: .milliseconds(200)) {
                Date() >= windowEnd
            }
            #expect(pager.requests.isEmpty, "\(AgentLab.kinds(pager.requests))")
            let again = try await lab.vigil(["ack"])
            #expect(again.status == 1 && again.output.contains("was acknowledged by"), "\(again.output)")
        }
    }
}
