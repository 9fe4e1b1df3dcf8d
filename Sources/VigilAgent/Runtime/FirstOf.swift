import Synchronization

/// Resumes a continuation once, for whichever of several racing tasks gets there first.
final class FirstOf: Sendable {
    private let resumed = Mutex(false)

    func resume(_ continuation: CheckedContinuation<Void, Never>) {
        let first = resumed.withLock { resumed in
            defer { resumed = true }
            return !resumed
        }
        if first { continuation.resume() }
    }
}
