import VigilCore

/// `/metrics`: the Prometheus text format (version 0.0.4). Counters and histograms come from
/// the telemetry; gauges (backend up, phase, last time to recover) from the services' live state.
public enum MetricsExposition {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public static func render(
        telemetry: Telemetry, services: [(name: String, state: ServiceSnapshot, protected: Bool)],
        channels: [StatusDocument.ChannelStatus] = [], cluster: ClusterStatus? = nil
    ) -> String {
        let state = telemetry.state.withLock { $0 }
        var out = Output()

        out.family("vigil_build_info", "gauge", "The running agent's version.")
        out.sample("vigil_build_info", ["version": VigilVersion.current], 1)

        if let cluster {
            out.family("vigil_cluster_leader", "gauge", "1 while this agent leads its cluster (and may act), 0 otherwise.")
            out.sample("vigil_cluster_leader", ["agent": cluster.agent], cluster.role == "leading" ? 1 : 0)
            out.family("vigil_cluster_members", "gauge", "The agents that publish a view now, this one included.")
            out.sample("vigil_cluster_members", [:], Double(cluster.members.count))
            out.family("vigil_etcd_request_duration_seconds", "histogram", "How long each call to etcd took, answered or not.")
            out.histogram("vigil_etcd_request_duration_seconds", [:], state.etcdRequests)
        }
        out.family("vigil_probe_duration_seconds", "histogram", "How long each health check took, failures included.")
        for (key, histogram) in state.probeDurations.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            out.histogram("vigil_probe_duration_seconds", ["service": key.service, "backend": key.backend, "probe": key.probe], histogram)
        }
        out.family("vigil_probe_results_total", "counter", "Health checks by outcome (ok, refused, timeout, status, ...).")
        for (key, count) in state.probeResults.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            out.sample(
                "vigil_probe_results_total", ["service": key.service, "backend": key.backend, "probe": key.probe, "result": key.result],
                Double(count))
        }

        out.family("vigil_backend_up", "gauge", "1 when the backend's checks say up, 0 when down or not yet known.")
        out.family("vigil_service_phase", "gauge", "1 for the phase each service is in, 0 for the others.")
        out.family("vigil_last_incident_time_to_recover_seconds", "gauge", "From the last closed incident's start to its resolution.")
        var up: [String] = []
        var phases: [String] = []
        var recover: [String] = []
        out.family("vigil_service_protected", "gauge", "1 when a failure now would be failed over; 0 while Vigil cannot protect the service.")
        out.family("vigil_host_up", "gauge", "0 once an SSH host a failover needs failed two checks in a row; 1 otherwise.")
        var protected: [String] = []
        var hostsUp: [String] = []
        for (name, snapshot, isProtected) in services {
            protected.append(Output.line("vigil_service_protected", ["service": name], isProtected ? 1 : 0))
            for (host, watch) in snapshot.hosts.sorted(by: { $0.key < $1.key }) {
                hostsUp.append(Output.line("vigil_host_up", ["service": name, "host": host], watch.saidUnreachable ? 0 : 1))
            }
            for backend in Backend.allCases {
                up.append(
                    Output.line(
                        "vigil_backend_up", ["service": name, "backend": backend.rawValue],
                        snapshot.health[backend]?.status == .up ? 1 : 0))
            }
            for phase in PhaseName.allCases {
                phases.append(
                    Output.line("vigil_service_phase", ["service": name, "phase": phase.rawValue], snapshot.phase.name == phase ? 1 : 0))
            }
            if let recovered = snapshot.lastIncident?.timeToRecover {
                recover.append(Output.line("vigil_last_incident_time_to_recover_seconds", ["service": name], recovered.secondsValue))
            }
        }
        out.insert(up, after: "vigil_backend_up")
        out.insert(phases, after: "vigil_service_phase")
        out.insert(recover, after: "vigil_last_incident_time_to_recover_seconds")
        out.insert(protected, after: "vigil_service_protected")
        out.insert(hostsUp, after: "vigil_host_up")

        out.family("vigil_runbooks_total", "counter", "Failovers and failbacks by result (succeeded, failed).")
        for (key, count) in state.runbooks.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            out.sample("vigil_runbooks_total", ["service": key.service, "kind": key.kind, "result": key.result], Double(count))
        }
        out.family("vigil_runbook_step_duration_seconds", "histogram", "How long each kind of runbook step took.")
        for (key, histogram) in state.stepDurations.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            out.histogram("vigil_runbook_step_duration_seconds", ["service": key.service, "step": key.step], histogram)
        }
        out.family("vigil_notifications_total", "counter", "Notification attempts per channel by result (delivered, failed, dropped).")
        for (key, count) in state.deliveries.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            out.sample("vigil_notifications_total", ["channel": key.channel, "result": key.result], Double(count))
        }
        out.family("vigil_outbox_pending", "gauge", "Messages waiting in each channel's outbox.")
        for channel in channels { out.sample("vigil_outbox_pending", ["channel": channel.name], Double(channel.pending)) }
        out.family("vigil_outbox_oldest_seconds", "gauge", "How long the oldest waiting message of each channel has waited; 0 when none waits.")
        for channel in channels { out.sample("vigil_outbox_oldest_seconds", ["channel": channel.name], channel.oldestSeconds ?? 0) }
        return out.text
    }

    /// The text under construction: each metric family's HELP and TYPE, then its samples.
    struct Output {
        private var families: [(name: String, lines: [String])] = []

        var text: String { families.map { $0.lines.joined(separator: "\n") }.joined(separator: "\n") + "\n" }

        mutating func family(_ name: String, _ type: String, _ help: String) {
            families.append((name, ["# HELP \(name) \(help)", "# TYPE \(name) \(type)"]))
        }

        mutating func sample(_ name: String, _ labels: [String: String], _ value: Double) {
            families[families.count - 1].lines.append(Self.line(name, labels, value))
        }

        mutating func insert(_ lines: [String], after family: String) {
            guard let index = families.firstIndex(where: { $0.name == family }) else { return }
            families[index].lines += lines
        }

        mutating func histogram(_ name: String, _ labels: [String: String], _ histogram: Histogram) {
            for (index, bound) in Histogram.bounds.enumerated() {
                sample("\(name)_bucket", labels.merging(["le": Self.number(bound)]) { $1 }, Double(histogram.buckets[index]))
            }
            sample("\(name)_bucket", labels.merging(["le": "+Inf"]) { $1 }, Double(histogram.count))
            sample("\(name)_sum", labels, histogram.sum)
            sample("\(name)_count", labels, Double(histogram.count))
        }

        static func line(_ name: String, _ labels: [String: String], _ value: Double) -> String {
            let rendered = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\(escape($0.value))\"" }.joined(separator: ",")
            return rendered.isEmpty ? "\(name) \(number(value))" : "\(name){\(rendered)} \(number(value))"
        }

        static func number(_ value: Double) -> String {
            value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        }

        /// Label values escape backslash, double quote and newline.
        static func escape(_ value: String) -> String {
            value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
        }
    }
}
