import Synchronization
import VigilCore
import VigilHTTP

/// A client of the service behind nginx: one request every `spacing`, each on its own (a slow
/// answer does not hold the next one back), recording which side answered and when.
final class TrafficClient: Sendable {
    enum Answer: Sendable { case primary, standby, failed }

    struct Record: Sendable {
        var sent: ContinuousClock.Instant
        var done: ContinuousClock.Instant
        var answer: Answer
    }

    private let records = Mutex<[Record]>([])
    private let runner = Mutex<Task<Void, Never>?>(nil)

    func start(url: String, spacing: Duration = .milliseconds(50)) {
        let probe = HealthProbe(url: url, body: .contains("backend: standby"), timeout: .seconds(10))
        let task = Task { [self] in
            await withTaskGroup(of: Void.self) { group in
                while !Task.isCancelled {
                    group.addTask { [self] in
                        let sent = ContinuousClock.now
                        let outcome = await HTTPEngine.shared.probe(probe)
                        let answer: Answer =
                            switch outcome {
                            case .healthy: .standby
                            case .failed(.bodyMismatch): .primary
                            case .failed: .failed
                            }
                        record(Record(sent: sent, done: .now, answer: answer))
                    }
                    try? await Task.sleep(for: spacing)
                }
            }
        }
        runner.withLock { $0 = task }
    }

    private func record(_ record: Record) { records.withLock { $0.append(record) } }

    /// Stops sending and waits for the requests in flight.
    func stop() async {
        let task = runner.withLock { $0 }
        task?.cancel()
        await task?.value
    }

    var all: [Record] { records.withLock { $0 } }

    /// When the standby first answered (request completed), if it has.
    var firstStandbyAnswer: ContinuousClock.Instant? {
        all.filter { $0.answer == .standby }.map(\.done).min()
    }

    func failures(after start: ContinuousClock.Instant) -> Int {
        all.filter { $0.sent >= start && $0.answer == .failed }.count
    }
}
