/// What to do, in the imperative. "Do nothing" is an empty list.
public enum Effect: Equatable, Hashable, Sendable, Codable {
    /// Run every probe of the backend once and report `probeFinished`.
    case probe(Backend)
    case schedule(TimerID, after: Duration)
    /// Run a runbook step and report `stepFinished` (never `.gate`, which is the core's own).
    case run(RunbookStep)
    /// Put a message in the outbox; the runbook never waits for its delivery.
    case notify(Message)
    /// Write the snapshot (temp, fsync, rename) before running the effects after it.
    case persist(ServiceSnapshot)
    case answer(OperatorAnswer)
    /// Read every load balancer's upstream file and report `upstreamsObserved`.
    case observeUpstreams
    /// Check each SSH host the service needs with one round trip and report `hostChecked` for each.
    case checkHosts
    /// Try to reach the host (TCP connect and SSH handshake) every 2 s until it answers, then
    /// report `hostChecked` with no problem. One watch per host at a time.
    case watchHost(String)
    /// Rewrite one load balancer's upstream to `layout` through the switch (outside any runbook)
    /// and report `backupListed`.
    case listBackup(loadBalancer: Int, to: UpstreamLayout)
    /// Check, without moving traffic, everything a failover needs; answered by `preflightFinished`.
    case preflight

    /// Effects that change the world (the ones `paused` never emits).
    public var isAction: Bool {
        switch self {
        case .run, .listBackup: true
        case .probe, .schedule, .notify, .persist, .answer, .observeUpstreams, .checkHosts, .watchHost, .preflight: false
        }
    }
}
