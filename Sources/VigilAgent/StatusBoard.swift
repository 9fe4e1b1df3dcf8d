import Synchronization

/// What the HTTP listener reads from: the status source of the agent running now. A SIGHUP
/// replaces the agent; the listener, started once, keeps answering from whichever one runs.
final class StatusBoard: Sendable {
    private let current = Mutex<StatusSource?>(nil)

    var source: StatusSource? { current.withLock { $0 } }

    func publish(_ source: StatusSource?) { current.withLock { $0 = source } }
}
