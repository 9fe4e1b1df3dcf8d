/// Whether Vigil can protect the service now, and if not, why: the status page, `/status.json`,
/// `vigil status`, `/metrics` and the heartbeat all read this one answer.
extension ServiceStateMachine {
    /// Every reason Vigil cannot protect the service now; empty when it can.
    public var unprotectedReasons: [String] {
        var reasons: [String] = []
        switch state.phase {
        case .stuck(let reason):
            reasons.append("stuck: \(reason)")
        case .paused:
            reasons.append("paused" + (state.pause.map { " by \($0.by)" } ?? ""))
        case .primaryActive, .secondaryActive, .failingOver, .failingBack, .drilling:
            break
        }
        if case .lost(let reason)? = cluster.standing { reasons.append("cluster: \(reason): no automatic failover") }
        if let hold = state.maintenance { reasons.append("planned maintenance until \(hold.until.utcMinute): no automatic failover") }
        if state.isInOutage { reasons.append("outage: nothing healthy to serve") }
        if let agentFault = state.agentFault { reasons.append("the checks cannot run on this host: \(agentFault)") }
        if let problem = state.upstreamProblem { reasons.append(problem) }
        reasons += unreachableHosts.map { "unreachable: \($0)" }
        reasons += state.preflightFindings.map { "preflight: \($0)" }
        if state.standbyWarningRaised { reasons.append("the standby fails its checks, so a failover would fail") }
        return reasons
    }

    /// True when nothing stands between a failure and its failover.
    public var isProtected: Bool { unprotectedReasons.isEmpty }
}
