/// Why a leader-only write to etcd was not made.
enum ClusterProblem: Error, CustomStringConvertible {
    /// This agent does not lead (`agent`).
    case notLeading(String)
    /// The leader key is no longer the one this agent created at `epoch`.
    case leadershipLost(epoch: Int64)

    var description: String {
        switch self {
        case .notLeading(let agent): "\(agent) does not lead the cluster, so it does not write the shared state"
        case .leadershipLost(let epoch): "the leader key is no longer this agent's (its epoch was \(epoch)): the shared state was not written"
        }
    }
}
