import Foundation
import Testing
import VigilCore
import VigilHTTP
import VigilLab

/// The lab an end-to-end test runs the agent against: nginx, a primary, a cold standby started by
/// its script, a webhook receiver and, unless the test asks for `host: local`, an sshd through
/// which the agent starts the standby and switches nginx.
struct AgentLab {
    let primary: LabHTTPBackend
    let standby: LabStandby
    let balancer: LabLoadBalancer
    let receiver: LabWebhookReceiver
    let sshd: LabSSHServer?
    let folder: LabFolder
    /// The agent's status listener, when the test asked for one: port 0, the agent takes a free
    /// port and logs it.
    var statusPort: Int?

    var config: String {
        LabAgentConfig(
            primary: primary, standby: standby, balancer: balancer, receiver: receiver, sshd: sshd,
            stateDirectory: folder.file("state"), statusPort: statusPort
        ).yaml
    }

    /// The status listener's address, from the agent's log ("" until it listens).
    var statusURL: String { listenerURL(after: " status page on ") }

    /// The public status listener's address, from the agent's log ("" until it listens).
    var publicStatusURL: String { listenerURL(after: "public status page on ") }

    private func listenerURL(after announcement: String) -> String {
        for line in folder.read("vigil.log").split(separator: "\n") {
            // " status page on" is the operators' listener: the public one's line says "public status page on".
            guard let start = line.range(of: announcement)?.upperBound, announcement.hasPrefix("public") || !line.contains("public status")
            else { continue }
            return String(line[start...]).trimmingCharacters(in: CharacterSet(charactersIn: "/ "))
        }
        return ""
    }

    var configPath: String { folder.file("vigil.yaml") }
    var nginxCommand: String { LabAgentConfig.nginx(balancer) }

    static func with(
        overSSH: Bool = true, sftp: Bool = true, startDelay: Duration = .seconds(1), statusListener: Bool = false,
        _ body: (AgentLab) async throws -> Void
    ) async throws {
        let statusPort = statusListener ? 0 : nil
        try await withLabServer({ try await LabHTTPBackend.start(name: "primary") }) { primary in
            try await withLabServer({ try LabStandby.prepare(startDelay: startDelay) }) { standby in
                try await withLabServer({ try await LabLoadBalancer.start(servers: ["127.0.0.1:\(primary.port)"]) }) { balancer in
                    try await withLabServer({ try await LabWebhookReceiver.start() }) { receiver in
                        let folder = try LabFolder(prefix: "agent")
                        defer { folder.remove() }
                        guard overSSH else {
                            return try await body(
                                AgentLab(
                                    primary: primary, standby: standby, balancer: balancer, receiver: receiver,
                                    sshd: nil, folder: folder, statusPort: statusPort))
                        }
                        // Root logs in: the lab's nginx is root's, and only root may signal it to reload.
                        try await withLabServer({ try await LabSSHServer.start(login: .current, sftp: sftp) }) { sshd in
                            try await body(
                                AgentLab(
                                    primary: primary, standby: standby, balancer: balancer, receiver: receiver,
                                    sshd: sshd, folder: folder, statusPort: statusPort))
                        }
                    }
                }
            }
        }
    }

    /// Writes the config (the lab's, or `config`) and starts `vigil run` on it, without waiting.
    func launchAgent(config: String? = nil, log: String = "vigil.log", environment: [String: String] = [:]) throws -> LabProcess {
        try folder.write("vigil.yaml", config ?? self.config)
        let binary = LabBinary.path("vigil")
        try LabProcess.require(binary, package: "this package (swift build --product vigil)")
        return try LabProcess.launch(
            binary, ["run", "--config", configPath, "--log-level", "debug"], name: "vigil", log: folder.file(log),
            environment: environment)
    }

    /// Starts `vigil run` and waits until it checks the primary.
    func startWatching(config: String? = nil) async throws -> LabProcess {
        let agent = try launchAgent(config: config)
        do {
            try await LabWait.until("the agent to watch the primary", timeout: .seconds(30)) {
                guard agent.isRunning else { throw LabError.notReady("vigil", log: folder.read("vigil.log")) }
                return primary.healthRequestsReceived >= 3
            }
        } catch {
            agent.terminate()  // the test never got it, so it cannot end it
            throw error
        }
        return agent
    }

    /// Runs the `vigil` CLI on the lab's config; returns its status and output.
    func vigil(_ arguments: [String], timeout: Duration = .seconds(60)) async throws -> (status: Int32, output: String) {
        try await LabProcess.run(LabBinary.path("vigil"), arguments + ["--config", configPath], timeout: timeout, check: false)
    }

    func servedByStandby() async -> Bool { await served(by: "standby") }

    /// Whether a fresh request through nginx is answered by `backend` (its name in the body).
    func served(by backend: String) async -> Bool {
        await HTTPEngine.shared.probe(HealthProbe(url: balancer.url + "/", body: .contains("backend: \(backend)"), freshConnection: true)).isHealthy
    }

    /// The lab's config with `lines` added to the service (indented as its keys are).
    func config(withServiceLines lines: String) -> String {
        config.replacingOccurrences(of: "    notify: [hooks]\n", with: lines + "    notify: [hooks]\n")
    }

    /// Waits until the receiver has a message of `kind`; returns it and when it was seen.
    func waitForMessage(_ kind: String, timeout: Duration = .seconds(30)) async throws -> [String: Any] {
        var found: [String: Any]?
        do {
            try await LabWait.until("a \(kind) message", timeout: timeout, interval: .milliseconds(50)) {
                found = receiver.requests.compactMap(Self.json).first { $0["kind"] as? String == kind }
                return found != nil
            }
        } catch {
            Issue.record("messages: \(Self.kinds(receiver.requests))\n\(folder.read("vigil.log").suffix(3_000))")
            throw error
        }
        return found ?? [:]
    }

    func waitUntilServedByStandby(timeout: Duration = .seconds(60), log: String = "vigil.log") async throws {
        do {
            try await LabWait.until("nginx to serve the standby", timeout: timeout, interval: .milliseconds(50)) { await servedByStandby() }
        } catch {
            Issue.record("\(folder.read(log).suffix(4_000))")
            throw error
        }
    }

    /// The `kind` of each message the receiver got, in order.
    static func kinds(_ requests: [RecordedRequest]) -> [String] {
        requests.compactMap { json($0)?["kind"] as? String }
    }

    static func json(_ request: RecordedRequest) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
    }

    /// A shell script that sleeps `seconds` while the lab's `hold` file exists, then runs `then`.
    func holdingScript(_ name: String, seconds: Int = 4, then command: String) throws -> String {
        try folder.write(name, "#!/bin/sh\n[ -e \(folder.file("hold")) ] && sleep \(seconds)\nexec \(command)\n", mode: 0o755)
        return folder.file(name)
    }
}
