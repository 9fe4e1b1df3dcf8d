/// The failover brain of one service: events and the current instant go in, effects come out.
/// It does no I/O and reads no clock, so every decision can be replayed and tested offline.
public struct ServiceStateMachine: Equatable, Hashable, Sendable {
    /// The service's settings; fixed for the machine's life (a new config makes a new machine).
    public let config: ServiceConfig
    /// Everything the machine knows, as it is saved.
    public internal(set) var state: ServiceSnapshot
    /// Its cluster: standing and the others' views (nothing when the service runs alone).
    public internal(set) var cluster: ClusterState

    /// A service seen for the first time, serving what its load balancers name now. Consistent
    /// upstreams give `primaryActive` or `secondaryActive`; anything else waits for an operator.
    public init(config: ServiceConfig, upstreams observed: [UpstreamLayout?]) {
        self.config = config
        cluster = ClusterState(settings: config.cluster)
        state = ServiceSnapshot(phase: .primaryActive, upstreams: observed)
        state.phase = restingPhase
    }

    /// A service seen for the first time, from what reading each upstream file found. When a
    /// file cannot be read, Vigil cannot know what is served: the service waits, and `.started`
    /// says why and reads the files again until it can.
    public init(config: ServiceConfig, observations: [UpstreamObservation]) {
        self.init(config: config, upstreams: observations.map(\.layout))
        if let problem = problem(in: observations) {
            state.phase = .stuck(.reconcileFailed(problem))
            state.upstreamProblem = problem
        }
    }

    init(config: ServiceConfig, state: ServiceSnapshot) {
        self.config = config
        self.state = state
        cluster = ClusterState(settings: config.cluster)
    }

    /// Where the service is.
    public var phase: Phase { state.phase }

    /// Takes one event at the instant it happened and returns what to do, in order.
    /// - Parameters:
    ///   - event: what happened.
    ///   - now: when it happened; the machine reads no clock.
    /// - Returns: the effects to carry out; a changed durable state comes first as `.persist`.
    public mutating func handle(_ event: Event, at now: Instant) -> [Effect] {
        let before = state.durable
        var effects: [Effect]
        switch event {
        case .started:
            effects = startWatching() + hostCheckDue(at: now) + preflightDue(at: now)
            if let problem = state.upstreamProblem, state.upstreamRereads == 0 { effects += noteUpstreamProblem(problem, at: now) }
        case .probeFinished(let backend, let outcomes):
            effects = probeFinished(backend, outcomes, at: now)
        case .timerFired(let timer):
            effects = timerFired(timer, at: now)
        case .stepFinished(let step, let outcome):
            effects = stepFinished(step, outcome, at: now)
        case .operatorRequested(let request):
            effects = operatorRequested(request, at: now)
        case .upstreamsObserved(let observations):
            effects = upstreamsObserved(observations, at: now)
        case .hostChecked(let host, let problem):
            effects = hostChecked(host, problem: problem, at: now)
        case .backupListed(let listing, let outcome):
            effects = backupListed(listing, outcome, at: now)
        case .preflightFinished(let findings):
            effects = preflightFinished(findings, at: now)
        case .maintenanceChanged(let hold):
            effects = maintenanceChanged(hold, at: now)
        case .clusterChanged(let standing):
            effects = clusterChanged(standing, at: now)
        case .peerViewsChanged(let views):
            effects = peerViewsChanged(views, at: now)
        case .leaderStateShared(let shared):
            effects = mirror(shared)
        }
        if state.durable != before { effects.insert(.persist(state), at: 0) }
        return effects
    }

    // MARK: Shared helpers

    /// Why these upstreams cannot be the starting point of a service, or nil.
    static func inconsistency(of upstreams: [UpstreamLayout?], config: ServiceConfig) -> String? {
        guard upstreams.count == config.loadBalancers.count else {
            return "\(config.loadBalancers.count) load balancers are configured but \(upstreams.count) were observed"
        }
        guard !upstreams.isEmpty else { return "no load balancer is configured" }
        for (index, layout) in upstreams.enumerated() where layout == nil {
            return "the upstream on \(config.loadBalancers[index]) names neither backend"
        }
        let actives = Set(upstreams.compactMap { $0?.active })
        guard actives.count == 1 else {
            return "the load balancers disagree: some serve the primary, some the standby"
        }
        return nil
    }

    /// The phase that matches what the load balancers serve, when no runbook runs.
    var restingPhase: Phase {
        if let inconsistency = Self.inconsistency(of: state.upstreams, config: config) {
            return .stuck(.reconcileFailed(inconsistency))
        }
        return state.activeSide == .standby ? .secondaryActive : .primaryActive
    }

    mutating func newTimer(_ make: (Int) -> TimerID, after delay: Duration, store: WritableKeyPath<ServiceSnapshot.Timers, Int?>) -> Effect {
        let generation = nextGeneration()
        state.timers[keyPath: store] = generation
        return .schedule(make(generation), after: delay)
    }

    /// A new timer generation: every timer gets its own, so a late firing is told apart.
    mutating func nextGeneration() -> Int {
        defer { state.timers.next += 1 }
        return state.timers.next
    }

    func message(
        _ kind: MessageKind, reason: String, from: Backend? = nil, to: Backend? = nil,
        incident: Incident? = nil, channels: [String]? = nil, at now: Instant
    ) -> Effect {
        var message = Message(
            kind: kind, service: config.name, from: from ?? incident?.from, to: to ?? incident?.to, reason: reason, incident: incident,
            at: now)
        message.channels = channels
        return .notify(message)
    }

    /// Opens the service's next incident (`SERVICE-N`), its timeline starting with `cause`.
    mutating func openIncident(
        _ kind: IncidentKind, from: Backend, to: Backend, openedAt: Instant, cause: String, evidence: [ProbeEvidence] = [],
        requestedBy: String? = nil, gateSkipped: Bool = false, at now: Instant
    ) {
        state.incidentCount += 1
        state.incident = Incident(
            id: "\(config.name)-\(state.incidentCount)", kind: kind, from: from, to: to, openedAt: openedAt, cause: cause,
            evidence: evidence, timeline: [TimelineEntry(at: now, what: .opened(cause: cause))], resolvedAt: nil,
            requestedBy: requestedBy, gateSkipped: gateSkipped, recoveryTimeObjective: config.runbook.recoveryTimeObjective)
    }

    mutating func log(_ what: TimelineEntry.What, at now: Instant) {
        state.incident?.timeline.append(TimelineEntry(at: now, what: what))
    }
}
