import VigilEtcd

/// `vigil config check --connect` for `cluster:`: reaches etcd as the agent would (its
/// endpoints, TLS and user) and prints the etcd members, the leader and the agents seen.
public enum ClusterConnectCheck {
    /// Hands each line to `say`; false when etcd cannot be reached or refuses.
    public static func run(_ config: ClusterConfig, say: (String) -> Void) async -> Bool {
        let client = EtcdClient(endpoints: config.endpoints, tls: config.tls, credentials: config.credentials)
        do {
            let members = try await client.members()
            say("etcd: \(members.count) member(s): " + members.map { "\($0.name) \($0.clientURLs.joined(separator: " "))" }.joined(separator: ", "))
            let prefix = config.prefix
            let leader = try await client.range(prefix + "leader").kvs.first
            say(
                "cluster \(prefix): "
                    + (leader.map { "\($0.text) leads (epoch \($0.createRevision))" } ?? "no agent leads now")
                    + "; this agent is \(config.name)")
            let views = try await client.range(prefix + "services/", prefix: true).kvs.filter { $0.key.contains("/views/") }
            let agents = Set(views.map { String($0.key.split(separator: "/").last ?? "") }).sorted()
            say("cluster: agents publishing views now: " + (agents.isEmpty ? "none" : agents.joined(separator: ", ")))
            return true
        } catch {
            say("etcd: FAILED: \(error)")
            return false
        }
    }
}
