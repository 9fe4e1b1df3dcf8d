import Foundation
import VigilCore
import VigilHTTP

/// `vigil check`: every health endpoint of every service, and each load balancer's verify URL,
/// probed once, concurrently, as a table. A stopped cold standby is expected to be down and is
/// not counted as a problem.
public struct HealthCheckReport: Sendable {
    public struct Row: Sendable {
        public var service: String
        public var target: String
        public var url: String
        public var outcome: ProbeOutcome
        /// Down but expected to be (a cold standby that is not started).
        public var expectedDown: Bool

        public var isProblem: Bool { !outcome.isHealthy && !expectedDown }
    }

    public var rows: [Row]

    public var allHealthy: Bool { !rows.contains(where: \.isProblem) }

    public static func probe(_ config: AgentConfig, engine: HTTPEngine = .shared) async -> HealthCheckReport {
        var jobs: [(service: String, target: String, probe: HealthProbe, coldStandby: Bool)] = []
        for service in config.services {
            let cold = service.core.standbyMode == .cold
            jobs += service.primary.probes.map { (service.core.name, "primary", $0, false) }
            jobs += service.standby.probes.map { (service.core.name, "standby", $0, cold) }
            for balancer in service.loadBalancers {
                if let url = balancer.verifyURL {
                    jobs.append((service.core.name, balancer.name, HealthProbe(url: url, timeout: .seconds(2)), false))
                }
            }
        }
        let outcomes = await withTaskGroup(of: (Int, ProbeOutcome).self) { group in
            for (index, job) in jobs.enumerated() { group.addTask { (index, await engine.probe(job.probe)) } }
            var outcomes: [Int: ProbeOutcome] = [:]
            for await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes
        }
        return HealthCheckReport(
            rows: jobs.enumerated().map { index, job in
                let outcome = outcomes[index] ?? .failed(.other(code: 0, message: "not probed"))
                return Row(
                    service: job.service, target: job.target, url: Self.shown(job.probe.url), outcome: outcome,
                    expectedDown: job.coldStandby && !outcome.isHealthy)
            })
    }

    /// A fixed-width table, one row a probe.
    public var table: String {
        let header = ["SERVICE", "CHECK", "URL", "RESULT", "TIME"]
        let lines = rows.map { row -> [String] in
            switch row.outcome {
            case .healthy(let timings):
                return [row.service, row.target, row.url, "ok", "\(timings.total.wholeMilliseconds) ms"]
            case .failed(let failure):
                let result =
                    row.expectedDown
                    ? "down: \(failure.description) (cold standby, not started: expected)"
                    : "DOWN: \(failure.description)"
                return [row.service, row.target, row.url, result, "-"]
            }
        }
        let widths = header.indices.map { column in ([header] + lines).map { $0[column].count }.max() ?? 0 }
        return ([header] + lines).map { cells in
            cells.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }

    /// The URL without credentials or query, which may carry tokens.
    static func shown(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "(unparsable URL)" }
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        return components.string ?? "(unparsable URL)"
    }
}
