import Foundation
import Testing
import VigilCore

@testable import VigilStatus

@Suite struct StatusDocumentTests {
    @Test func theStatusDocumentDescribesARunbookInFlight() throws {
        let config = ServiceConfig(name: "shop", loadBalancers: ["lb1"])
        var machine = ServiceStateMachine(config: config, upstreams: [UpstreamLayout(active: .primary)])
        let now = Instant(.milliseconds(1_795_000_000_000))
        _ = machine.handle(.started, at: now)
        _ = machine.handle(
            .operatorRequested(OperatorRequest(.failover(skipGate: false, dryRun: false), by: "root (uid 0)", reason: "drill")),
            at: now)
        let document = StatusDocument(
            services: [.init(name: "shop", config: config, state: machine.state)], agentHost: "lb-1",
            now: Date(timeIntervalSince1970: 1_795_000_001))
        let service = try #require(document.services.first)
        #expect(document.version == 1 && document.generatedAt == "2026-11-18T11:06:41.000Z")
        #expect(service.phase == .failingOver && service.step == "start standby")
        #expect(service.status == .degraded && document.overall == .degraded, "a drill: the primary is not down")
        #expect(service.activeSide == "primary")
        #expect(service.loadBalancers == [.init(name: "lb1", serves: "primary", backup: nil)])
        #expect(service.backends.map(\.role) == ["primary", "standby"])
        let incident = try #require(service.incident)
        #expect(incident.requestedBy == "root (uid 0)" && incident.openedAt == "2026-11-18T11:06:40.000Z")
        #expect(incident.timeline.map(\.text).contains("started start standby"))
        let json = try JSONSerialization.jsonObject(with: Data(document.json().utf8)) as? [String: Any]
        #expect(json?["agentHost"] as? String == "lb-1")
    }

    @Test func theServiceStatusSaysWhetherPeopleAreServed() {
        var state = ServiceStateMachine(config: ServiceConfig(name: "shop", loadBalancers: ["lb1"]), upstreams: [UpstreamLayout(active: .primary)])
            .state
        #expect(StatusDocument.status(state) == .operational)
        var down = BackendHealth()
        for second in 0..<3 { _ = down.record([.failed(.refused)], of: .standby, at: Instant(.seconds(second * 2)), settings: DetectionSettings()) }
        #expect(down.status == .down)
        state.health[.standby] = down
        #expect(StatusDocument.status(state) == .degraded)
        state.health[.primary] = down
        #expect(StatusDocument.status(state) == .outage)
        state.phase = .paused
        #expect(StatusDocument.status(state) == .maintenance)
    }
}

extension StatusDocumentTests {
    /// A window is shown ahead of time; one in force makes the service's status maintenance.
    @Test func plannedMaintenanceIsShownAheadAndInForce() {
        let config = ServiceConfig(name: "shop", loadBalancers: ["lb1"])
        var machine = ServiceStateMachine(config: config, upstreams: [UpstreamLayout(active: .primary)])
        let now = Instant(.milliseconds(1_795_000_000_000))
        _ = machine.handle(.started, at: now)
        _ = machine.handle(.maintenanceChanged(MaintenanceHold(id: "m-1", until: now + .seconds(3_600), reason: "db <upgrade>")), at: now)
        let window = MaintenanceStatus(
            id: "m-1", start: "2026-12-08T02:00:00.000Z", end: "2026-12-08T04:00:00.000Z", span: "Tue 2026-12-08 02:00–04:00 UTC",
            services: ["shop"], reason: "db <upgrade>", publicText: nil, inForce: true)
        let document = StatusDocument(
            services: [.init(name: "shop", config: config, state: machine.state)], maintenance: [window], agentHost: "lb-1")
        #expect(document.services.first?.status == .maintenance && document.overall == .maintenance)
        let page = StatusPage.render(document)
        #expect(page.contains("<b>In force:</b> Tue 2026-12-08 02:00–04:00 UTC, shop: db &lt;upgrade&gt;"))
    }
}
