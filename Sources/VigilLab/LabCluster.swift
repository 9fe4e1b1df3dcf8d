import Foundation

/// Two agents in a cluster on a real three-member etcd: each with its own nginx (lb1, lb2), one
/// primary, one cold standby started over the lab's sshd, messages to one webhook receiver (a
/// path per agent). A test that cuts one agent off from the primary points its check at a
/// `LabBlackhole` (packets dropped) in that agent's config.
public struct LabCluster: Sendable {
    public let etcd: LabEtcdCluster
    public let primary: LabHTTPBackend
    public let standby: LabStandby
    public let balancers: [LabLoadBalancer]
    public let receiver: LabWebhookReceiver
    public let sshd: LabSSHServer
    public let folder: LabFolder
    public static let agents = ["lb1", "lb2"]
    public static let prefix = "/vigil/"

    public static func with(startDelay: Duration = .milliseconds(500), _ body: (LabCluster) async throws -> Void) async throws {
        try await withLabServer({ try await LabEtcdCluster.start() }) { etcd in
            try await withLabServer({ try await LabHTTPBackend.start(name: "primary") }) { primary in
                try await withLabServer({ try LabStandby.prepare(startDelay: startDelay) }) { standby in
                    let servers = ["127.0.0.1:\(primary.port)"]
                    try await withLabServer({ try await LabLoadBalancer.start(servers: servers) }) { lb1 in
                        try await withLabServer({ try await LabLoadBalancer.start(servers: servers) }) { lb2 in
                            try await withLabServer({ try await LabWebhookReceiver.start() }) { receiver in
                                try await withLabServer({ try await LabSSHServer.start(login: .current) }) { sshd in
                                    let folder = try LabFolder(prefix: "cluster")
                                    defer { folder.remove() }
                                    try await body(
                                        LabCluster(
                                            etcd: etcd, primary: primary, standby: standby, balancers: [lb1, lb2],
                                            receiver: receiver, sshd: sshd, folder: folder))
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The config of agent `name`: the lab's agent config with both load balancers, messages to
    /// the receiver's `/NAME`, its etcd endpoints (all by default) and its lease (3 s, with a 1 s
    /// safety margin, unless given); a load balancer's own test command
    /// (`balancerTestCommands[index]`, e.g. one that waits) and lines added to the service.
    /// `clustered` false: the same agent alone, without `cluster:` (for comparisons);
    /// `statusPort`: its status listener (off by default).
    public func config(
        _ name: String, endpoints: [String]? = nil, balancerTestCommands: [Int: String] = [:], serviceLines: String = "",
        clustered: Bool = true, statusPort: Int? = nil, leaseTTL: Int = 3
    ) -> String {
        var config = LabAgentConfig(
            primary: primary, standby: standby, balancer: balancers[0], receiver: receiver, sshd: sshd, stateDirectory: folder.file(name),
            statusPort: statusPort)
        config.balancers = balancers
        config.webhookPath = "/\(name)"
        config.testCommands = balancerTestCommands
        config.serviceLines = serviceLines
        if clustered {
            config.sections = """
                cluster:
                  name: \(name)
                  etcd:
                    endpoints: [\((endpoints ?? etcd.endpoints).joined(separator: ", "))]
                  prefix: \(Self.prefix)
                  lease_ttl: \(leaseTTL)s
                  safety_margin: 1s

                """
        }
        return config.yaml
    }

    public func configPath(_ name: String) -> String { folder.file("\(name).yaml") }

    /// Starts agent `name` on `config` (its default when nil), without waiting.
    public func launch(_ name: String, config: String? = nil) throws -> LabProcess {
        try folder.write("\(name).yaml", config ?? self.config(name))
        let binary = LabBinary.path("vigil")
        try LabProcess.require(binary, package: "this package (swift build --product vigil)")
        return try LabProcess.launch(
            binary, ["run", "--config", configPath(name), "--log-level", "debug"], name: "vigil-\(name)", log: folder.file("\(name).log"))
    }

    /// The leader key's value (nil: no leader) and its create revision.
    public func leader() async throws -> (name: String, epoch: Int64)? {
        let output = try await etcd.etcdctl(["get", Self.prefix + "leader", "--write-out", "json"])
        guard let json = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any],
            let kv = (json["kvs"] as? [[String: Any]])?.first, let value = kv["value"] as? String,
            let decoded = Data(base64Encoded: value)
        else { return nil }
        let revision = (kv["create_revision"] as? NSNumber)?.int64Value ?? Int64(kv["create_revision"] as? String ?? "") ?? 0
        return (String(decoding: decoded, as: UTF8.self), revision)
    }

    /// Waits until `name` (any agent when nil) holds the leader key; returns the leader.
    @discardableResult
    public func waitForLeader(_ name: String? = nil, timeout: Duration = .seconds(20)) async throws -> (name: String, epoch: Int64) {
        var found: (name: String, epoch: Int64)?
        try await LabWait.until("\(name ?? "an agent") to lead", timeout: timeout, interval: .milliseconds(50)) {
            found = try await leader()
            return found.map { name == nil || $0.name == name } ?? false
        }
        guard let found else { throw LabError.notReady("a leader", log: logs()) }
        return found
    }

    /// Waits until `count` agents publish their view of the service (each runs and reaches etcd).
    public func waitForViews(_ count: Int = LabCluster.agents.count, timeout: Duration = .seconds(20)) async throws {
        try await LabWait.until("\(count) agents to publish their views", timeout: timeout) {
            try await etcd.etcdctl(["get", Self.prefix + "services/shop/views/", "--prefix", "--keys-only"])
                .split(separator: "\n").filter { !$0.isEmpty }.count == count
        }
    }

    /// Runs the `vigil` CLI against agent `name`'s daemon.
    public func vigil(_ name: String, _ arguments: [String], timeout: Duration = .seconds(60)) async throws -> (status: Int32, output: String) {
        try await LabProcess.run(LabBinary.path("vigil"), arguments + ["--config", configPath(name)], timeout: timeout, check: false)
    }

    /// The epoch in each load balancer's upstream file (nil: no epoch line, e.g. the operator's file).
    public func epochs() throws -> [Int64?] {
        try balancers.map { balancer in
            let text = try String(contentsOfFile: balancer.upstreamFile, encoding: .utf8)
            guard let line = text.split(separator: "\n").first, line.hasPrefix("# vigil-epoch: ") else { return nil }
            return Int64(line.dropFirst("# vigil-epoch: ".count).prefix { $0.isNumber })
        }
    }

    /// Every message the receiver got, as JSON, with the agent that sent it (the path).
    public func messages() -> [(agent: String, json: [String: Any])] {
        receiver.requests.compactMap { request in
            // Vigil's webhook bodies are JSON objects; anything else is not one of its messages.
            guard let json = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] else { return nil }
            return (String(request.path.dropFirst()), json)
        }
    }

    public func messages(_ kind: String) -> [(agent: String, json: [String: Any])] {
        messages().filter { $0.json["kind"] as? String == kind }
    }

    /// How many times an agent's log says it switched load balancer `balancer`.
    public func switches(of balancer: String) -> Int {
        Self.agents.map { agent in
            folder.read("\(agent).log").split(separator: "\n").filter { $0.contains("switched \(balancer) to ") }.count
        }.reduce(0, +)
    }

    /// Whether each nginx accepts its config now.
    public func nginxValid() async throws -> Bool {
        for balancer in balancers {
            let (status, _) = try await LabProcess.run(
                LabNginx.binary, ["-t", "-c", balancer.nginx.configPath, "-p", balancer.nginx.folder.path], timeout: .seconds(10), check: false)
            if status != 0 { return false }
        }
        return true
    }

    /// Both agents' logs, their ends, for a failure's report.
    public func logs() -> String {
        Self.agents.map { "--- \($0).log\n" + folder.read("\($0).log").suffix(3_000) }.joined(separator: "\n")
    }
}
