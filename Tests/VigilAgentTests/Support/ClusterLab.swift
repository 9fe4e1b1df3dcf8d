import Foundation
import Testing
import VigilHTTP
import VigilLab

/// The cluster lab as the tests use it: its failures recorded with both agents' logs.
typealias ClusterLab = LabCluster

extension LabCluster {
    /// Whether every load balancer answers from `backend` on a fresh connection.
    func served(by backend: String) async -> Bool {
        for balancer in balancers {
            let probe = HealthProbe(url: balancer.url + "/", body: .contains("backend: \(backend)"), freshConnection: true)
            guard await HTTPEngine.shared.probe(probe).isHealthy else { return false }
        }
        return true
    }

    func waitUntilServed(by backend: String, timeout: Duration = .seconds(40)) async throws {
        do {
            try await LabWait.until("both nginx to serve \(backend)", timeout: timeout, interval: .milliseconds(50)) { await served(by: backend) }
        } catch {
            Issue.record("\(logs())")
            throw error
        }
    }

    func waitForMessage(_ kind: String, from agent: String? = nil, timeout: Duration = .seconds(30)) async throws -> [String: Any] {
        var found: [String: Any]?
        do {
            try await LabWait.until("a \(kind) message\(agent.map { " from \($0)" } ?? "")", timeout: timeout, interval: .milliseconds(50)) {
                found = messages(kind).first { agent == nil || $0.agent == agent }?.json
                return found != nil
            }
        } catch {
            Issue.record("messages: \(messages().map { "\($0.agent):\($0.json["kind"] ?? "?")" })\n\(logs())")
            throw error
        }
        return found ?? [:]
    }
}
