import Foundation
import Logging
import Synchronization
import VigilCore
import VigilEtcd
import VigilStatus

/// This agent in its cluster on etcd. It holds a lease, renewed every third of its time to live;
/// campaigns for `PREFIX/leader` with a transaction on `create_revision == 0`; watches that key
/// so a follower campaigns as soon as a leader's key is gone; publishes this agent's views and
/// reads the others'. Its standing is a fact with a deadline: an agent that has not renewed its
/// lease by `lease_ttl − safety_margin` after the renewal was sent stops acting, before etcd
/// could let the lease expire and another agent lead.
public final class ClusterMember: Sendable {
    let config: ClusterConfig
    let client: EtcdClient
    private let logger: Logger
    private let state = Mutex(MemberState())
    /// Each change of standing, in order, for the runtime (a takeover may take seconds of SSH;
    /// the renewals must not wait for it).
    let changes: AsyncStream<StandingChange>
    private let changed: AsyncStream<StandingChange>.Continuation
    /// Wakes the publisher of this agent's views.
    private let viewsDirty: AsyncStream<Void>.Continuation
    private let viewsToPublish: AsyncStream<Void>

    /// A new standing, and who led before it (for the message a new leader sends).
    struct StandingChange: Sendable {
        var standing: ClusterStanding
        var previousLeader: String?
        var epoch: Int64?
    }

    private struct MemberState {
        var standing: ClusterStanding = .following(leader: nil)
        var lease: Int64?
        /// The leader key's create revision while this agent leads: the epoch every upstream
        /// file it writes carries.
        var epoch: Int64?
        var leader: String?
        /// This agent may act (and counts as reaching etcd) until then: the last successful
        /// renewal's send time plus the lease's time to live, less the safety margin.
        var validUntil: ContinuousClock.Instant?
        /// When the lease could expire at the earliest, from the last renewal (for the status).
        var leaseExpires: ContinuousClock.Instant?
        var lastProblem: String?
        var lastRenewed: ContinuousClock.Instant?
        /// Campaign at once (the leader key was deleted).
        var wake = false
        /// An operator's `--without-cluster` runbook is under way: this agent acts without a lease.
        var actingAlone = false
        /// This agent leads and has restored every service from the shared state: it may act.
        var tookOver = false
        /// The restored machines run: operators' requests may reach them (one that came earlier
        /// would reach a machine about to be replaced).
        var ready = false
        /// This agent's latest view of each service, and those not yet in etcd.
        var views: [String: VantageView] = [:]
        var unpublished: Set<String> = []
        /// The others' views, by service and agent.
        var peers: [String: [String: VantageView]] = [:]
    }

    init(config: ClusterConfig, observe: (@Sendable (Duration) -> Void)? = nil, logger: Logger) {
        self.config = config
        self.logger = logger
        // A call never outlasts a renewal period, so a dead endpoint cannot make the lease lapse.
        let timeout = max(.milliseconds(300), config.renewInterval)
        client = EtcdClient(endpoints: config.endpoints, timeout: timeout, tls: config.tls, credentials: config.credentials, observe: observe)
        (changes, changed) = AsyncStream.makeStream(of: StandingChange.self)
        (viewsToPublish, viewsDirty) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    // MARK: Keys

    var leaderKey: String { config.prefix + "leader" }
    func snapshotKey(_ service: String) -> String { config.prefix + "services/\(service)/snapshot" }
    func viewsPrefix(_ service: String) -> String { config.prefix + "services/\(service)/views/" }
    var requestsPrefix: String { config.prefix + "requests/" }
    func repliesPrefix(_ id: String) -> String { config.prefix + "replies/\(id)/" }

    /// The lease this agent holds now, for keys that must die with it.
    var currentLease: Int64? { state.withLock { $0.lease } }

    // MARK: What the agent asks

    /// Whether this agent may start a step or apply a step's result now: it leads, and its lease
    /// was renewed recently enough that no other agent can lead yet.
    var mayAct: Bool {
        state.withLock { state in
            if state.actingAlone { return true }
            guard state.standing == .leading, state.tookOver, let until = state.validUntil else { return false }
            return ContinuousClock.now < until
        }
    }

    var standing: ClusterStanding { state.withLock { $0.standing } }

    /// The epoch of this agent's leadership, while it leads.
    var epoch: Int64? { state.withLock { $0.standing == .leading ? $0.epoch : nil } }

    /// The others' views of `service`, as published now.
    func peers(of service: String) -> [VantageView] {
        state.withLock { Array(($0.peers[service] ?? [:]).values).sorted { $0.agent < $1.agent } }
    }

    /// What `vigil status` and the pages show of the cluster.
    var status: ClusterStatus {
        state.withLock { state in
            let now = ContinuousClock.now
            var agents = Set(state.peers.values.flatMap(\.keys))
            agents.insert(config.name)
            return ClusterStatus(
                agent: config.name, standing: state.standing, takingOver: state.standing == .leading && !state.tookOver,
                leader: state.standing == .leading ? config.name : state.leader,
                epoch: state.standing == .leading ? state.epoch : nil,
                leaseLeft: state.leaseExpires.map { max(.zero, now.duration(to: $0)) }, members: agents.sorted(),
                problem: state.lastProblem, endpoints: config.endpoints)
        }
    }

    /// Publishes this agent's view of `service` when its judgement changed.
    func publish(_ view: VantageView, service: String) {
        let dirty = state.withLock { state -> Bool in
            if let last = state.views[service], last.agrees(with: view), last.evidence == view.evidence { return false }
            state.views[service] = view
            state.unpublished.insert(service)
            return true
        }
        if dirty { viewsDirty.yield() }
    }

    /// Lets this agent act without proving it leads, for an operator's `--without-cluster`
    /// runbook, until it ends.
    func actAlone(_ alone: Bool) {
        state.withLock { $0.actingAlone = alone }
        if alone { logger.critical("cluster: an operator's runbook runs WITHOUT THE CLUSTER: this agent acts without proving it leads") }
    }

    var isActingAlone: Bool { state.withLock { $0.actingAlone } }

    /// Every service was restored from the shared state after this agent took the lead: from
    /// now on it acts (while its lease holds).
    func tookOver() {
        state.withLock { state in
            if state.standing == .leading { state.tookOver = true }
        }
    }

    /// The restored machines run: from now on operators' requests reach them.
    func ready() {
        state.withLock { state in
            if state.standing == .leading { state.ready = true }
        }
    }

    /// Waits until this agent may carry out an operator's request, at most `limit` (a takeover
    /// in progress takes seconds); false when it still may not.
    func waitUntilItMayAct(within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: limit)
        func mayServe() -> Bool { mayAct && state.withLock { $0.ready } }
        while !mayServe(), standing == .leading, ContinuousClock.now < deadline {
            do {
                try await Task.sleep(for: .milliseconds(50))
            } catch {
                break
            }
        }
        return mayServe()
    }

    /// A switch script refused to replace a newer leader's file: this agent no longer leads.
    func fenced(_ why: String) {
        logger.error("cluster: \(why); stepping down")
        set(.lost("the epoch fence refused this agent's switch (\(why)): a newer leader wrote the file"))
        state.withLock { $0.validUntil = nil }
    }

    // MARK: Shared state

    /// Writes a service's snapshot for the next leader, only while the leader key is still this
    /// agent's (same value, same create revision).
    func saveSnapshot(_ data: [UInt8], service: String) async throws {
        guard let epoch else { throw ClusterProblem.notLeading(config.name) }
        let result = try await client.txn(
            compare: [EtcdCompare(key: leaderKey, .createRevision(epoch)), EtcdCompare(key: leaderKey, .value(Array(config.name.utf8)))],
            success: [.put(key: snapshotKey(service), value: data, lease: nil)])
        guard result.succeeded else {
            set(.following(leader: nil))
            throw ClusterProblem.leadershipLost(epoch: epoch)
        }
        logger.debug("cluster: shared the state of \(service) (revision \(result.revision))")
    }

    /// The shared snapshot of `service`, as the last leader wrote it; nil when none was written.
    func loadSnapshot(service: String) async throws -> [UInt8]? {
        try await client.range(snapshotKey(service)).kvs.first?.value
    }

    /// Gives the lease back at a graceful stop, so another agent leads at once instead of after
    /// the lease's time to live.
    func resign() async {
        guard let lease = state.withLock({ $0.lease }) else { return }
        do {
            try await client.revoke(lease)
            logger.notice("cluster: gave up the lease; another agent can lead at once")
        } catch {
            logger.warning("cluster: could not give up the lease (\(error)); another agent leads once it expires")
        }
        set(.following(leader: nil))
        state.withLock {
            $0.lease = nil
            $0.validUntil = nil
        }
    }

    // MARK: Running

    /// Renews, campaigns, watches and publishes until cancelled. `onViews` hears every change of
    /// the others' views of a service, `onShared` every snapshot the leader shares.
    func run(
        services: [String], onViews: @escaping @Sendable (String, [VantageView]) async -> Void,
        onShared: @escaping @Sendable (String, ServiceSnapshot) async -> Void
    ) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.renewLoop() }
            group.addTask { await self.deadlineLoop() }
            group.addTask { await self.watchLeader() }
            group.addTask { await self.publishLoop() }
            for service in services {
                group.addTask { await self.watchViews(of: service, onViews: onViews) }
                group.addTask { await self.watchSharedState(of: service, onShared: onShared) }
            }
            await group.waitForAll()
        }
        changed.finish()
    }

    private func renewLoop() async {
        let clock = ContinuousClock()
        while !Task.isCancelled {
            let started = clock.now
            await cycle()
            let next = started.advanced(by: config.renewInterval)
            // Between renewals, wake early when the leader key went away.
            while clock.now < next, !Task.isCancelled {
                if state.withLock({ $0.wake }) { break }
                do {
                    try await clock.sleep(for: .milliseconds(50))
                } catch {
                    return  // cancelled at shutdown
                }
            }
        }
    }

    /// Stops acting the moment the lease is in doubt, however long a call to etcd hangs.
    private func deadlineLoop() async {
        let started = ContinuousClock.now
        while !Task.isCancelled {
            let now = ContinuousClock.now
            let (until, problem, standing) = state.withLock { ($0.validUntil, $0.lastProblem, $0.standing) }
            let lapsed = until.map { now >= $0 } ?? (started.duration(to: now) >= config.leaseTTL - config.effectiveSafetyMargin)
            if lapsed, !standing.isLost {
                let since = state.withLock { $0.lastRenewed }.map { "for \(DurationText.format($0.duration(to: now)))" } ?? "since it started"
                let reason = "\(config.name) could not renew its lease on etcd \(since) (\(problem ?? "no answer yet"))"
                if standing == .leading { logger.critical("cluster: \(reason); stopping acting before the lease can expire") }
                set(.lost(reason))
            }
            do {
                try await Task.sleep(for: .milliseconds(50))
            } catch {
                return
            }
        }
    }

    /// One renewal: the lease (granted again when it is gone), then the leader key.
    private func cycle() async {
        // Woken because the leader key went away: campaign even if this agent led.
        let woken = state.withLock { state in
            defer { state.wake = false }
            return state.wake
        }
        let sent = ContinuousClock.now
        do {
            let lease = try await renewedLease()
            state.withLock { state in
                state.validUntil = sent.advanced(by: config.leaseTTL - config.effectiveSafetyMargin)
                state.leaseExpires = sent.advanced(by: config.leaseTTL)
                state.lastRenewed = sent
                if state.lastProblem != nil { logger.notice("cluster: etcd answers again") }
                state.lastProblem = nil
            }
            // A leader's renewed lease keeps its key (the watch says when the key goes); the
            // others campaign at each renewal, in case a deletion was missed.
            if standing != .leading || woken { try await campaign(lease: lease) }
            viewsDirty.yield()
        } catch {
            let text = "\(error)"
            let changed = state.withLock { state -> Bool in
                defer { state.lastProblem = text }
                return state.lastProblem != text
            }
            if changed { logger.error("cluster: \(text)") }
        }
    }

    private func renewedLease() async throws -> Int64 {
        if let lease = state.withLock({ $0.lease }) {
            if try await client.keepAlive(lease) != nil { return lease }
            // The lease expired (etcd was out of reach too long): whatever this agent led is gone.
            logger.warning("cluster: the lease \(lease) expired; taking a new one")
            if state.withLock({ $0.standing }) == .leading { set(.following(leader: nil)) }
            state.withLock {
                $0.lease = nil
                $0.unpublished = Set($0.views.keys)  // the views died with the lease
            }
        }
        let seconds = Int(config.leaseTTL.wholeMilliseconds / 1_000)
        let lease = try await client.grantLease(ttl: seconds).id
        state.withLock {
            $0.lease = lease
            $0.unpublished = Set($0.views.keys)
        }
        return lease
    }

    private func campaign(lease: Int64) async throws {
        let name = Array(config.name.utf8)
        let result = try await client.txn(
            compare: [.absent(leaderKey)], success: [.put(key: leaderKey, value: name, lease: lease)],
            failure: [.range(key: leaderKey, prefix: false)])
        if result.succeeded {
            state.withLock { $0.epoch = result.revision }
            logger.notice("cluster: \(config.name) leads (epoch \(result.revision))")
            set(.leading)
            return
        }
        guard let holder = result.ranges.first?.first else { return }  // deleted meanwhile: the next cycle campaigns
        if holder.text == config.name, holder.lease == lease {
            state.withLock { $0.epoch = holder.createRevision }
            set(.leading)
        } else if holder.text == config.name {
            // This agent's key from before a restart, on a lease it no longer holds: cleared, so
            // the cluster need not wait for that lease to expire.
            let cleared = try await client.txn(
                compare: [EtcdCompare(key: leaderKey, .modRevision(holder.modRevision))], success: [.delete(key: leaderKey, prefix: false)])
            if cleared.succeeded { state.withLock { $0.wake = true } }
        } else {
            set(.following(leader: holder.text))
        }
    }

    private func set(_ standing: ClusterStanding) {
        let change = state.withLock { state -> StandingChange? in
            guard state.standing != standing else { return nil }
            let previousLeader = state.standing == .leading ? config.name : state.leader
            state.standing = standing
            state.tookOver = false
            state.ready = false
            switch standing {
            case .leading: state.leader = config.name
            case .following(let leader): state.leader = leader
            case .lost: break  // the last leader known stays shown
            }
            return StandingChange(standing: standing, previousLeader: previousLeader, epoch: state.epoch)
        }
        if let change { changed.yield(change) }
    }

    private func watchLeader() async {
        await follow(leaderKey, what: "the leader key") { kvs in
            if kvs.isEmpty { state.withLock { $0.wake = true } }
        } change: { event in
            switch event.kind {
            case .delete:
                state.withLock { $0.wake = true }
            case .put:
                // Another agent took the key: this one follows, unless it cannot reach etcd
                // itself (its renewals say when it can again).
                let holder = event.keyValue.text
                if holder != config.name, !standing.isLost { set(.following(leader: holder)) }
            }
        }
    }

    private func publishLoop() async {
        for await _ in viewsToPublish {
            let (lease, pending) = state.withLock { state in
                (state.lease, state.unpublished.compactMap { service in state.views[service].map { (service, $0) } })
            }
            guard let lease else { continue }
            for (service, view) in pending {
                do {
                    try await client.put(viewsPrefix(service) + config.name, Array(try JSONEncoder().encode(view)), lease: lease)
                    state.withLock { state in
                        if state.views[service] == view { state.unpublished.remove(service) }
                    }
                } catch {
                    // Kept unpublished: the next renewal publishes it again.
                    logger.warning("cluster: cannot publish this agent's view of \(service): \(error)")
                }
            }
        }
    }

    /// Reads `key` (or the keys under it), then follows every change, from the revision read;
    /// when the stream fails (etcd out of reach, a compacted revision) it reads again, a renewal
    /// period later, until cancelled. `what` names it in the log.
    func follow(
        _ key: String, prefix: Bool = false, what: String, read: ([EtcdKeyValue]) async throws -> Void,
        change: (EtcdWatchEvent) async throws -> Void
    ) async {
        while !Task.isCancelled {
            do {
                let (kvs, revision) = try await client.range(key, prefix: prefix)
                try await read(kvs)
                for try await event in client.watch(key, prefix: prefix, fromRevision: revision + 1) { try await change(event) }
            } catch {
                logger.warning("cluster: cannot follow \(what): \(error)")
            }
            do {
                try await Task.sleep(for: config.renewInterval)
            } catch {
                return
            }
        }
    }

    private func watchViews(of service: String, onViews: @escaping @Sendable (String, [VantageView]) async -> Void) async {
        let prefix = viewsPrefix(service)
        var views: [String: VantageView] = [:]
        await follow(prefix, prefix: true, what: "the others' views of \(service)") { kvs in
            views = [:]
            for kv in kvs { if let view = decode(VantageView.self, kv) { views[view.agent] = view } }
            await deliver(views, service: service, onViews: onViews)
        } change: { event in
            let agent = String(event.keyValue.key.dropFirst(prefix.count))
            switch event.kind {
            case .delete: views[agent] = nil
            case .put: views[agent] = decode(VantageView.self, event.keyValue)
            }
            await deliver(views, service: service, onViews: onViews)
        }
    }

    /// The leader's snapshot of `service`, each time it shares one, for a follower to mirror.
    private func watchSharedState(of service: String, onShared: @escaping @Sendable (String, ServiceSnapshot) async -> Void) async {
        await follow(snapshotKey(service), what: "the shared state of \(service)") { kvs in
            if let kv = kvs.first, let shared = decode(ServiceSnapshot.self, kv) { await onShared(service, shared) }
        } change: { event in
            if event.kind == .put, let shared = decode(ServiceSnapshot.self, event.keyValue) { await onShared(service, shared) }
        }
    }

    /// A value another agent wrote, or nil (said in the log) when it cannot be read.
    private func decode<Value: Decodable>(_ type: Value.Type, _ kv: EtcdKeyValue) -> Value? {
        do {
            return try JSONDecoder().decode(type, from: Data(kv.value))
        } catch {
            logger.warning("cluster: \(kv.key) holds what Vigil cannot read: \(error)")
            return nil
        }
    }

    private func deliver(
        _ views: [String: VantageView], service: String, onViews: @Sendable (String, [VantageView]) async -> Void
    ) async {
        let others = views.filter { $0.key != config.name }
        state.withLock { $0.peers[service] = others }
        await onViews(service, others.values.sorted { $0.agent < $1.agent })
    }
}
