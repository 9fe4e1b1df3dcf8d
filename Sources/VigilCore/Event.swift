/// What happened, in the past tense. Goes into the machine with the instant it happened at.
public enum Event: Equatable, Hashable, Sendable, Codable {
    /// The agent started watching a service that has no snapshot.
    case started
    case probeFinished(Backend, [ProbeOutcome])
    case timerFired(TimerID)
    case stepFinished(RunbookStep, StepOutcome)
    case operatorRequested(OperatorRequest)
    /// What each load balancer's upstream file holds, in load-balancer order.
    case upstreamsObserved([UpstreamObservation])
    /// One SSH host answered (problem nil) or did not (its cause).
    case hostChecked(String, problem: String?)
    /// A backup-line rewrite ended.
    case backupListed(BackupListing, StepOutcome)
    /// A preflight ended: what would make a failover fail now, in words (empty: nothing).
    case preflightFinished(findings: [String])
    /// The planned-maintenance window in force now (nil: none), as the agent's schedule says.
    case maintenanceChanged(MaintenanceHold?)
    /// This agent's standing in its cluster changed (the agent's cluster member says when).
    case clusterChanged(ClusterStanding)
    /// The other agents' views of both sides, as they are published now.
    case peerViewsChanged([VantageView])
    /// The leader shared its state of the service (its snapshot): a follower mirrors it.
    case leaderStateShared(ServiceSnapshot)
}
