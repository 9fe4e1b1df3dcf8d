import VigilCore

/// This agent's cluster as the status shows it: who leads, for how long the lease holds, who is
/// there, and what is wrong with etcd when something is.
public struct ClusterStatus: Sendable, Equatable, Codable {
    /// This agent's name.
    public var agent: String
    /// leading, taking over (restoring the shared state before it acts), following or lost.
    public var role: String
    /// The leader's name, when known.
    public var leader: String?
    /// This agent's epoch, while it leads.
    public var epoch: Int64?
    /// How long this agent's lease holds without another renewal, in seconds.
    public var leaseLeftSeconds: Double?
    /// The agents that publish a view now, this one included.
    public var members: [String]
    /// Why this agent cannot reach etcd (or its lease is in doubt), while so.
    public var problem: String?
    /// etcd's endpoints, in the order they are tried.
    public var endpoints: [String]

    public init(
        agent: String, standing: ClusterStanding, takingOver: Bool = false, leader: String?, epoch: Int64?, leaseLeft: Duration?, members: [String],
        problem: String?, endpoints: [String]
    ) {
        self.agent = agent
        role = takingOver ? "taking over" : standing.role
        self.leader = leader
        self.epoch = epoch
        leaseLeftSeconds = leaseLeft.map { Double($0.wholeMilliseconds) / 1_000 }
        self.members = members
        if case .lost(let reason) = standing { self.problem = reason } else { self.problem = problem }
        self.endpoints = endpoints
    }
}

extension ClusterStatus {
    /// One line for `vigil status`.
    public var summary: String {
        var line = "cluster: \(agent) is \(role)"
        if role == "leading" {
            line += " (epoch \(epoch.map(String.init) ?? "?")"
            line += leaseLeftSeconds.map { String(format: ", lease %.1fs left)", $0) } ?? ")"
        } else if let leader {
            line += "; \(leader) leads"
        }
        line += "; agents: \(members.joined(separator: ", "))"
        if let problem { line += "; PROBLEM: \(problem)" }
        return line
    }
}

extension VantageView {
    /// `lb2 sees primary down, standby unknown (primary: connection refused)`.
    public var summary: String {
        "\(agent) sees primary \(primary.rawValue), standby \(standby.rawValue)" + (evidence.map { " (\($0))" } ?? "")
    }
}
