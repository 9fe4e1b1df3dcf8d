/// Waiting for a condition with a deadline: the lab's and the tests' only way to synchronise.
public enum LabWait {
    /// Checks `condition` every `interval` until it holds; throws `LabError.timedOut` at the deadline.
    public static func until(
        _ what: String,
        timeout: Duration = .seconds(10),
        interval: Duration = .milliseconds(20),
        _ condition: () async throws -> Bool
    ) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while clock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: interval)
        }
        if try await condition() { return }
        throw LabError.timedOut(what)
    }
}
