import Foundation
import VigilCore
import VigilNotify
import VigilStatus

/// Where the status document and the metrics are made from: the running services' live state,
/// the telemetry, the incident history. The control socket's `status --json` and the HTTP
/// listener both ask it, so they say the same.
struct StatusSource: StatusProvider {
    let services: [RunningService]
    let telemetry: Telemetry
    let history: IncidentHistory
    let agentHost: String
    /// This agent's cluster, when it has one.
    let cluster: ClusterMember?
    let publicURL: String?
    /// The notification queues, when the agent has channels.
    let notifier: Notifier?
    /// The SSH connections, for how files reach each host.
    let hosts: HostPool?
    /// The maintenance windows, shown ahead of time.
    let maintenance: MaintenanceWatch?
    /// What the public page calls the organisation and the services.
    let naming: PublicStatusDocument.Naming
    /// The check history the pictures are drawn from.
    let availability: AvailabilityHistory?

    func publicDocument() async -> PublicStatusDocument { PublicStatusDocument(from: await document(), naming: naming) }

    /// The windows that have not ended, as the schedule last read them.
    func maintenanceWindows(at now: Date = Date()) -> [MaintenanceStatus] {
        (maintenance?.windows ?? []).filter { $0.end > now }.map { window in
            MaintenanceStatus(
                id: window.id, start: StatusDocument.time(window.start), end: StatusDocument.time(window.end), span: window.span,
                services: window.services, reason: window.reason, publicText: window.publicText, inForce: window.isActive(at: now))
        }
    }

    func document() async -> StatusDocument { await document(for: services) }

    func channels(at now: Date = Date()) -> [StatusDocument.ChannelStatus] {
        (notifier?.outboxes(at: now) ?? []).map { outbox in
            StatusDocument.ChannelStatus(
                name: outbox.channel, pending: outbox.pending, oldestSeconds: outbox.oldest.map { max(0, now.timeIntervalSince($0)) },
                failing: outbox.failing)
        }
    }

    func document(for chosen: [RunningService]) async -> StatusDocument {
        var inputs: [StatusDocument.Input] = []
        for service in chosen {
            let machine = await service.driver.machine
            var input =
                StatusDocument.Input(
                    name: service.name, config: machine.config, state: machine.state,
                    checks: telemetry.checks(service: service.name),
                    recentIncidents: history.recent(service: service.name, including: machine.state.lastIncident),
                    unprotectedReasons: machine.unprotectedReasons)
            input.history = availability?.series(service: service.name) ?? [:]
            if let cluster {
                let now = await service.driver.now
                input.views = [machine.vantageView(at: now)] + machine.cluster.peers
            }
            for (name, reference) in service.actions.service.sshHosts {
                if let transfer = hosts?.knownFileTransfer(reference) { input.fileTransfers[name] = transfer.rawValue }
            }
            inputs.append(input)
        }
        var document = StatusDocument(
            services: inputs, channels: channels(), maintenance: maintenanceWindows(), agentHost: agentHost, statusPageURL: publicURL)
        document.cluster = cluster?.status
        return document
    }

    func metrics() async -> String {
        var states: [(name: String, state: ServiceSnapshot, protected: Bool)] = []
        for service in services {
            let machine = await service.driver.machine
            states.append((service.name, machine.state, machine.isProtected))
        }
        return MetricsExposition.render(telemetry: telemetry, services: states, channels: channels(), cluster: cluster?.status)
    }

    /// True when every service's driver answers: an actor that is wedged never does.
    func responsive() async -> Bool {
        for service in services { _ = await service.driver.phase }
        return true
    }
}
