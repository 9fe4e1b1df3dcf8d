/// A service watched by a cluster of agents: only the leader acts, and it leaves a side that is
/// down only when enough vantage points see it down. The agent's cluster member tells the
/// machine its standing and the others' views; the machine never talks to etcd.
extension ServiceStateMachine {
    /// This agent's own view of both sides, as it publishes it for the others.
    public func vantageView(at now: Instant) -> VantageView {
        let evidence = Backend.allCases.compactMap { backend -> String? in
            guard health(backend) != .up, let last = state.health[backend]?.recentFailures.last else { return nil }
            return Self.summary(last)
        }
        return VantageView(
            agent: config.cluster?.agent ?? "", primary: health(.primary), standby: health(.standby),
            evidence: evidence.isEmpty ? nil : evidence.joined(separator: "; "), since: now)
    }

    /// Sets where this agent stands and what the others see, without acting on it: for a machine
    /// restored from the cluster's shared snapshot at a takeover, before its effects run.
    public mutating func join(standing: ClusterStanding, peers: [VantageView]) {
        cluster.standing = standing
        cluster.peers = peers.filter { $0.agent != config.cluster?.agent }.sorted { $0.agent < $1.agent }
    }

    mutating func clusterChanged(_ standing: ClusterStanding, at now: Instant) -> [Effect] {
        let before = cluster.standing
        cluster.standing = standing
        cluster.confirmWaitingSince = nil
        cluster.disagreementSaid = false
        switch (before, standing) {
        case (.lost?, .lost):
            return []  // still lost: the first cause was said
        case (let before, .lost(let reason)):
            let wasLeading = before == .leading
            return [
                message(
                    .clusterLost,
                    reason: "\(reason). "
                        + (wasLeading ? "This agent stopped acting before its lease could expire: no step starts from it. " : "")
                        + "No automatic failover or failback runs from this agent until it can prove who leads; traffic stays as it is. "
                        + "`vigil failover --force --without-cluster` acts under this host's lock only", at: now)
            ]
        case (.lost?, .leading):
            return [message(.clusterRegained, reason: "etcd answers again and this agent leads: automatic runbooks are armed", at: now)]
                + decide(at: now)
        case (.lost?, .following(let leader)):
            return [
                message(
                    .clusterRegained, reason: "etcd answers again; \(leader.map { "\($0) leads" } ?? "no agent leads yet"): this agent watches",
                    at: now)
            ]
        case (_, .leading):
            return decide(at: now)
        case (_, .following):
            return []
        }
    }

    /// A follower keeps the leader's state of the service (what the load balancers serve, the
    /// runbook and incident, pause and acknowledgement), so its status says what the cluster
    /// does and an operator's `--without-cluster` runbook starts from the truth. Its own checks
    /// and timers stay its own; it does nothing about what it mirrors.
    mutating func mirror(_ shared: ServiceSnapshot) -> [Effect] {
        guard !cluster.mayAct, let shared = shared.migrated() else { return [] }
        var mirrored = shared
        mirrored.health = state.health
        mirrored.probes = state.probes
        mirrored.timers = state.timers
        state = mirrored
        return []
    }

    mutating func peerViewsChanged(_ views: [VantageView], at now: Instant) -> [Effect] {
        cluster.peers = views.filter { $0.agent != config.cluster?.agent }.sorted { $0.agent < $1.agent }
        return decide(at: now)
    }

    /// An automatic move away from `down` waits until enough agents see it down. Within the
    /// grace it waits silently (their checks judge a round apart); past it, the disagreement is
    /// said once, naming each vantage point, and the failover stays held while they disagree.
    mutating func heldForConfirmation(leaving down: Backend, at now: Instant) -> [Effect]? {
        guard let settings = config.cluster else { return nil }
        let seeing = cluster.peers.filter { $0.health(of: down) == .down }
        let live = cluster.peers.count + 1
        let needed = settings.needed(live: live)
        guard seeing.count + 1 < needed else {
            cluster.confirmWaitingSince = nil
            cluster.disagreementSaid = false
            return nil
        }
        let waitingSince = cluster.confirmWaitingSince ?? now
        cluster.confirmWaitingSince = waitingSince
        guard now - waitingSince >= settings.confirmGrace, !cluster.disagreementSaid else { return [] }
        cluster.disagreementSaid = true
        let others = cluster.peers.filter { $0.health(of: down) != .down }
        let own = state.health[down]?.recentFailures.last.map { " (\(Self.summary($0)))" } ?? ""
        let agreeing = ([settings.agent] + seeing.map(\.agent)).joined(separator: ", ")
        let disagreeing = others.map { "\($0.agent) does not (\($0.health(of: down).rawValue))" }.joined(separator: ", ")
        return [
            message(
                .vantagesDisagree,
                reason: "\(agreeing) \(seeing.isEmpty ? "sees" : "see") \(down.rawValue) down\(own), \(disagreeing): not failing over "
                    + "(\(needed) of \(live) live agents must see it down). `vigil failover --force` moves now",
                from: down, to: down.other, at: now)
        ]
    }
}
