/// What a message is about; the wording lives in the notification templates.
public enum MessageKind: String, Equatable, Hashable, Sendable, Codable, CaseIterable {
    case incidentStarted
    case incidentUpdate
    case incidentResolved
    case runbookFailed
    case failbackStarted
    case failbackDone
    case standbyUnhealthy
    case standbyHealthy
    case failbackAvailable
    case flapBudgetExhausted
    case paused
    case resumed
    /// An upstream file no longer holds what Vigil last wrote: someone edited it by hand.
    case upstreamEdited
    /// Checks of a backend cannot run on the agent's host (descriptors, memory): the backend is
    /// not judged meanwhile, so a failover cannot happen.
    case agentFault
    /// The checks run again.
    case agentFaultCleared
    /// The serving side is down and so is the other: nothing healthy to serve.
    case outageStarted
    /// A side serves again after an outage; says how long the service was down.
    case outageResolved
    /// An upstream file cannot be read (or is not understood): Vigil cannot see what is served.
    case upstreamUnreadable
    /// Every upstream file can be read again.
    case upstreamReadable
    /// An SSH host the service needs does not answer: a failover now would fail.
    case hostUnreachable
    /// That host answers again.
    case hostReachable
    /// nginx rejects a load balancer's config (at start, or at a drift check), in nginx's words.
    case loadBalancerCheckFailed
    /// Vigil replaced an upstream file it had not written (the operator's own) for the first
    /// time; says where the original is kept.
    case upstreamAdopted
    /// Adding or dropping the warm standby's backup line failed (nginx keeps its file).
    case backupListingFailed
    /// The backup line is as Vigil wants it again.
    case backupListed
    /// A notification channel has delivered nothing for its `alarm_after` while messages wait
    /// (said on the other channels).
    case channelFailing
    /// That channel delivers again.
    case channelRecovered
    /// A preflight found what would make a failover fail now (host keys, commands, nginx -t of
    /// the standby's upstream, names, channels): the service is not protected.
    case preflightFailed
    /// The preflight passes again.
    case preflightPassed
    /// A drill began (said as a DRILL, never as an incident).
    case drillStarted
    /// A drill's leg ended: the standby serves and is held, or traffic is back on the primary.
    case drillProgress
    /// A drill ended: its report, passed or with its findings.
    case drillReport
    /// An operator took the open incident on (`vigil ack`).
    case incidentAcknowledged
    /// The incident was not acknowledged in time: said on the escalation's channels.
    case incidentEscalated
    /// A planned-maintenance window began: automatic runbooks are held until it ends.
    case maintenanceStarted
    /// It ended: automatic runbooks are armed again.
    case maintenanceEnded
    /// A failure during the window that would have started an automatic runbook (said once).
    case maintenanceHeld
    /// This agent cannot prove it leads its cluster (etcd unreachable, the lease not renewed in
    /// time): it stopped acting, and no automatic runbook runs from it.
    case clusterLost
    /// It reaches etcd again: leading or following.
    case clusterRegained
    /// Another agent took the lead (this one had it, or a leader died).
    case leaderChanged
    /// The leader sees the serving side down, but not enough of the other agents do: no failover.
    case vantagesDisagree
    /// `vigil notify test`: proves a channel works; no action needed.
    case test
}
