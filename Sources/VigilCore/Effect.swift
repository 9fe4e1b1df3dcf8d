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

    /// Effects that change the world (the ones `paused` never emits).
    public var isAction: Bool {
        switch self {
        case .run: true
        case .probe, .schedule, .notify, .persist, .answer: false
        }
    }
}
