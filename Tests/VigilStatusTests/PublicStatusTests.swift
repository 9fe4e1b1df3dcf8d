import Foundation
import Testing
import VigilCore

@testable import VigilStatus

/// The public page and its JSON are made from the public document only: a canary in every
/// internal field of the internal document reaches neither.
@Suite struct PublicStatusTests {
    static let now = Instant(.milliseconds(1_795_000_000_000))

    /// An internal document with a canary in every field the public must not see: service and
    /// load-balancer names, hosts, check URLs and results, an incident's cause, evidence,
    /// timeline, requester and reason, a pause, an upstream problem, a maintenance reason, the
    /// agent's host and a channel.
    static func canaryDocument() -> (StatusDocument, [String]) {
        var canaries: [String] = []
        func canary(_ what: String) -> String {
            canaries.append("CANARY-\(what)")
            return "CANARY-\(what)"
        }
        var config = ServiceConfig(name: canary("service-name"), loadBalancers: [canary("lb-name")])
        config.hosts = [canary("ssh-host")]
        var failing = ServiceStateMachine(config: config, upstreams: [UpstreamLayout(active: .primary)])
        _ = failing.handle(.started, at: now)
        _ = failing.handle(
            .operatorRequested(
                OperatorRequest(.failover(skipGate: false, dryRun: false), by: canary("operator"), reason: canary("operator-reason"))), at: now)
        _ = failing.handle(.hostChecked(canary("ssh-host"), problem: canary("host-problem")), at: now)
        var pausedConfig = ServiceConfig(name: canary("paused-service"), loadBalancers: ["lb1"])
        pausedConfig.hosts = []
        var paused = ServiceStateMachine(config: pausedConfig, observations: [.unreadable(canary("upstream-problem"))])
        _ = paused.handle(.started, at: now)
        var closed = failing.state.incident!
        closed.id = canary("incident-id")
        closed.cause = canary("closed-cause")
        closed.resolvedAt = now + .seconds(5)
        var input = StatusDocument.Input(
            name: config.name, config: config, state: failing.state,
            checks: [
                .primary: [
                    CheckRecord(
                        url: "http://\(canary("check-host")):8080/health", outcome: .failed(.other(code: 7, message: canary("check-result"))),
                        seconds: 0.1, at: Date())
                ]
            ], recentIncidents: [closed], unprotectedReasons: [canary("unprotected-reason")])
        input.fileTransfers = [canary("ssh-host"): "sftp"]
        let document = StatusDocument(
            services: [input, .init(name: pausedConfig.name, config: pausedConfig, state: paused.state)],
            channels: [.init(name: canary("channel"), pending: 1, oldestSeconds: 3)],
            maintenance: [
                MaintenanceStatus(
                    id: canary("window-id"), start: "2026-12-08T02:00:00.000Z", end: "2026-12-08T04:00:00.000Z",
                    span: "Tue 2026-12-08 02:00–04:00 UTC", services: [pausedConfig.name], reason: canary("maintenance-reason"),
                    publicText: "Checkout may be slow", inForce: true)
            ], agentHost: canary("agent-host"), statusPageURL: "https://\(canary("internal-url"))/")
        return (document, canaries)
    }

    static let naming = PublicStatusDocument.Naming(
        organization: "REChain DAO",
        displayNames: ["CANARY-service-name": "Checkout", "CANARY-paused-service": "Blog"],
        updateIntervals: ["CANARY-service-name": .seconds(1_800)])

    @Test func noInternalFieldReachesThePublicPageOrItsJSON() throws {
        let (document, canaries) = Self.canaryDocument()
        let internalJSON = document.json()
        #expect(canaries.filter { !internalJSON.contains($0) } == [], "every canary is in the internal document first")
        let publicDocument = PublicStatusDocument(from: document, naming: Self.naming)
        let json = publicDocument.json()
        let page = PublicStatusPage.render(publicDocument)
        for canary in canaries {
            #expect(!json.contains(canary), "\(canary) in the public JSON")
            #expect(!page.contains(canary), "\(canary) on the public page")
        }
        #expect(!json.contains("CANARY") && !page.contains("CANARY"))
        #expect(publicDocument.services.map(\.name) == ["Checkout", "Blog"])
        #expect(publicDocument.services.map(\.status) == [.degraded, .maintenance], "a pause is the operators' own; the window is not")
        #expect(publicDocument.incidents.map(\.state) == ["investigating", "resolved"])
        #expect(publicDocument.incidents.first?.title == "REChain DAO Incident Alert")
        #expect(
            publicDocument.incidents.first?.text
                == "We are currently experiencing a technical issue that may affect Checkout. We are working to resolve this as "
                + "quickly as possible. Updates will be provided every 30 minutes.")
        #expect(publicDocument.incidents.last?.text.hasPrefix("The incident has been resolved and all services are operating normally.") == true)
        #expect(publicDocument.maintenance.first?.services == ["Blog"] && publicDocument.maintenance.first?.text == "Checkout may be slow")
        #expect(page.contains("<b>In progress:</b> <b>Tue 2026-12-08 02:00–04:00 UTC</b>, Blog: Checkout may be slow"))
        #expect(!page.contains("<script") && !page.contains("<form"), "no script, no form")
    }

    @Test func everyStringOnThePublicPageIsEscaped() {
        var (document, _) = Self.canaryDocument()
        document.maintenance[0].publicText = "<img src=x onerror=alert(1)> & \"quotes\""
        var naming = Self.naming
        naming.displayNames["CANARY-service-name"] = "<b>Shop</b>"
        naming.organization = "O'Brien & <Sons>"
        let page = PublicStatusPage.render(PublicStatusDocument(from: document, naming: naming))
        #expect(!page.contains("<img") && page.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;"))
        #expect(page.contains("&lt;b&gt;Shop&lt;/b&gt;") && page.contains("O&#39;Brien &amp; &lt;Sons&gt; status"))
    }
}
