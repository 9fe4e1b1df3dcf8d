/// An open incident wants people: reminders on a schedule saying where it stands, escalation to
/// more channels while nobody took it on, and `vigil ack`, which stops both.
extension ServiceStateMachine {
    /// An open failover or outage nobody acknowledged: what reminders and escalation are for (a
    /// drill and a failback are not problems to chase anyone about).
    var incidentWantsAttention: Bool {
        guard let incident = state.incident, incident.acknowledged == nil else { return false }
        return incident.kind == .failover || incident.kind == .outage
    }

    /// When an incident opens, and at a restart: its next reminder and escalation step.
    mutating func armIncidentTimers(at now: Instant) -> [Effect] {
        guard incidentWantsAttention else { return [] }
        var effects: [Effect] = []
        if let interval = config.runbook.reminderInterval {
            effects.append(newTimer({ .reminder(generation: $0) }, after: interval, store: \.reminder))
        }
        return effects + armEscalation(at: now)
    }

    /// The next escalation step, due `after` the incident opened (at once when that is past,
    /// as after a restart); none when every step was taken.
    private mutating func armEscalation(at now: Instant) -> [Effect] {
        state.timers.escalation = nil
        guard incidentWantsAttention, let incident = state.incident, incident.escalations < config.escalation.count else { return [] }
        let due = incident.openedAt + config.escalation[incident.escalations].after
        return [newTimer({ .escalation(generation: $0) }, after: max(.zero, due - now), store: \.escalation)]
    }

    mutating func escalationDue(at now: Instant) -> [Effect] {
        guard incidentWantsAttention, let incident = state.incident, incident.escalations < config.escalation.count else {
            state.timers.escalation = nil
            return []
        }
        let step = config.escalation[incident.escalations]
        log(.escalated(to: step.channels), at: now)
        let reason =
            "not acknowledged after \(DurationText.roughly(now - incident.openedAt)): \(status(of: incident, at: now)). "
            + "`vigil ack --service \(config.name)` takes it on"
        return [message(.incidentEscalated, reason: reason, incident: state.incident, channels: step.channels, at: now)]
            + armEscalation(at: now)
    }

    /// The scheduled update: status, impact, what comes next, and when the next update is.
    mutating func reminderDue(at now: Instant) -> [Effect] {
        guard incidentWantsAttention, let incident = state.incident, let interval = config.runbook.reminderInterval else {
            state.timers.reminder = nil
            return []
        }
        let reason =
            "Status: \(status(of: incident, at: now)). Impact: \(impact(of: incident, at: now)). "
            + "Next update in \(DurationText.format(interval)), unless it ends first"
        return [
            message(.incidentUpdate, reason: reason, incident: incident, at: now),
            newTimer({ .reminder(generation: $0) }, after: interval, store: \.reminder),
        ]
    }

    /// Where the incident stands, and what ends it.
    func status(of incident: Incident, at now: Instant) -> String {
        let open = "open for \(DurationText.roughly(now - incident.openedAt))"
        switch state.phase {
        case .failingOver(let step), .failingBack(let step):
            return "\(open); the runbook is at \(step), and the incident ends when it completes"
        case .stuck(let reason):
            return "\(open); the runbook is stuck (\(reason.description)): an operator is needed"
        case .primaryActive, .secondaryActive, .paused, .drilling:
            return state.isInOutage
                ? "\(open); nothing healthy serves, and Vigil serves from whichever side passes its checks first"
                : "\(open); \(Self.describe(state.phase))"
        }
    }

    /// Which service, which side serves, since when.
    func impact(of incident: Incident, at now: Instant) -> String {
        let since = "since \(incident.openedAt.utcMinute)"
        if state.isInOutage { return "\(config.name) is down \(since) (\(DurationText.roughly(now - incident.openedAt)))" }
        guard let side = state.activeSide else { return "\(config.name) is served partly by each side while traffic moves, \(since)" }
        let failing = health(side) == .down ? ", which fails its checks" : ""
        return "\(config.name) is served by the \(side.rawValue)\(failing), \(since)"
    }

    /// `vigil ack`: the open incident is taken on; escalation and reminders stop.
    mutating func acknowledgeIncident(_ request: OperatorRequest, at now: Instant) -> [Effect] {
        let command = request.command
        guard let incident = state.incident, incident.kind != .drill else {
            let hint =
                state.phase == .stuck(.flapBudgetExhausted)
                ? "; the flap budget holds automatic runbooks: `vigil rearm` re-arms them" : ""
            return [.answer(.refused(command, why: "\(config.name) has no open incident to acknowledge\(hint)"))]
        }
        if let earlier = incident.acknowledged {
            return [.answer(.refused(command, why: "\(incident.id) was acknowledged by \(earlier.by) at \(earlier.at)"))]
        }
        state.incident?.acknowledged = Acknowledgement(by: request.by, at: now)
        log(.acknowledged(by: request.by, reason: request.reason), at: now)
        state.timers.reminder = nil
        state.timers.escalation = nil
        let reason = "\(incident.id) acknowledged by \(request.by): \(request.reason.escapingControlCharacters); escalation and reminders stop"
        return [.answer(.accepted(command)), message(.incidentAcknowledged, reason: reason, incident: state.incident, at: now)]
    }
}
