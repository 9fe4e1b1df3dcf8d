import Synchronization

/// What the HTTP listener reads from: the status source of the agent running now. A SIGHUP
/// replaces the agent; the listener, started once, keeps answering from whichever one runs.
public final class StatusBoard: Sendable {
    private let current = Mutex<(any StatusProvider)?>(nil)

    public init() {}

    var source: (any StatusProvider)? { current.withLock { $0 } }

    public func publish(_ source: (any StatusProvider)?) { current.withLock { $0 = source } }
}
