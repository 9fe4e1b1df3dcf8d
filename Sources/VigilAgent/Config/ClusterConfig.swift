import VigilHTTP
import VigilNotify

/// `cluster:` — this agent as one of several on etcd: only the leader acts, every agent checks
/// and publishes its view. Absent: the agent runs alone.
public struct ClusterConfig: Sendable {
    /// This agent's name in the cluster (`lb1`): the leader key's value, its views' key, the
    /// name its messages carry.
    public var name: String
    /// etcd's client URLs, tried in order.
    public var endpoints: [String]
    /// How etcd's certificate is checked, and this agent's own when etcd asks for one.
    public var tls = TLSOptions()
    /// etcd's user and password, when auth is on.
    public var user: String?
    public var password: Secret?
    /// Every key Vigil writes lives under it (`/vigil/`).
    public var prefix = "/vigil/"
    /// The lease's time to live: a dead leader's key is gone after it.
    public var leaseTTL: Duration = .seconds(10)
    /// The leader stops acting this long before its lease could expire when it cannot renew.
    public var safetyMargin: Duration?
    /// How many live agents must see the serving side down; nil: a majority of the live ones.
    public var confirm: Int?

    /// The margin in force: as given, or a fifth of the lease, at least 1 s.
    public var effectiveSafetyMargin: Duration { safetyMargin ?? max(.seconds(1), leaseTTL / 5) }

    /// The user and password etcd's auth takes, when both are given.
    var credentials: (user: String, password: String)? {
        guard let user, let password else { return nil }
        return (user, password.exposed)
    }

    /// How often the lease is renewed: a third of its time to live.
    public var renewInterval: Duration { leaseTTL / 3 }

    /// Checks the timing rule: renewals come every third of the lease, and the leader must not
    /// stop acting between two of them while etcd answers; nil when it holds.
    public static func timingProblem(ttl: Duration, margin: Duration) -> String? {
        if margin < .seconds(1) { return "safety_margin must be at least 1s" }
        if ttl - margin <= ttl / 3 {
            return "lease_ttl − safety_margin must be longer than lease_ttl / 3 (a renewal is due every third of the lease); "
                + "lease_ttl \(ttl), safety_margin \(margin)"
        }
        return nil
    }
}
