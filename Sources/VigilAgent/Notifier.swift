import Foundation
import Logging
import Synchronization
import VigilCore
import VigilHTTP

/// The notification path: messages go into each channel's outbox on disk at once (the caller
/// never waits for a receiver), and one worker per channel delivers them in order.
public final class Notifier: Sendable {
    private let channels: [String: NotificationChannel]
    private let renderers: [String: MessageRenderer]
    private let outboxes: [String: Outbox]
    private let workers: [String: DeliveryWorker]
    private let agentHost: String
    private let tasks = Mutex<[Task<Void, Never>]>([])
    private let enqueueing = Mutex(())

    public init(stateDirectory: String, channels: [NotificationChannel], engine: HTTPEngine = .shared,
                policy: DeliveryPolicy = DeliveryPolicy(), agentHost: String, logger: Logger) throws {
        var byName: [String: NotificationChannel] = [:]
        var renderers: [String: MessageRenderer] = [:]
        var outboxes: [String: Outbox] = [:]
        var workers: [String: DeliveryWorker] = [:]
        for channel in channels {
            byName[channel.name] = channel
            renderers[channel.name] = try MessageRenderer(overrides: channel.templates)
            let outbox = try Outbox(stateDirectory: stateDirectory, channel: channel.name)
            outboxes[channel.name] = outbox
            workers[channel.name] = DeliveryWorker(channel: channel, outbox: outbox, engine: engine, policy: policy, logger: logger)
        }
        self.channels = byName
        self.renderers = renderers
        self.outboxes = outboxes
        self.workers = workers
        self.agentHost = agentHost
    }

    /// Starts the workers; what an earlier run left in the outboxes is delivered first.
    public func start() {
        tasks.withLock { tasks in
            guard tasks.isEmpty else { return }
            tasks = workers.values.map { worker in Task { await worker.run() } }
        }
    }

    /// Stops the workers; undelivered messages stay in the outboxes for the next start.
    public func stop() async {
        let running = tasks.withLock { tasks in
            defer { tasks = [] }
            return tasks
        }
        running.forEach { $0.cancel() }
        for task in running { await task.value }
    }

    /// Renders and queues a message for each named channel, durably, and returns at once.
    /// Returns the event id (the same on every channel, so a receiver can drop repeats).
    @discardableResult
    public func enqueue(_ message: Message, to channelNames: [String], at time: Date = Date()) throws -> String {
        let eventID = UUID().uuidString.lowercased()
        try enqueueing.withLock { _ in
            for name in channelNames {
                guard let channel = channels[name], let outbox = outboxes[name], let renderer = renderers[name] else {
                    throw UnknownChannel(name: name)
                }
                let rendered = renderer.render(message, statusPageURL: channel.statusPageURL)
                let body = NotificationPayload.body(for: message, rendered: rendered, channel: channel.kind, eventID: eventID,
                                                    agentHost: agentHost, time: time)
                try outbox.append(OutboxEntry(eventID: eventID, channel: name, createdAt: time.timeIntervalSince1970, body: Data(body)))
            }
        }
        for name in channelNames { workers[name]?.nudge() }
        return eventID
    }

    /// Messages waiting on disk for a channel.
    public func pendingCount(channel: String) -> Int { outboxes[channel]?.pending().count ?? 0 }

    public struct UnknownChannel: Error, CustomStringConvertible {
        public var name: String
        public var description: String { "no notification channel named \(name)" }
    }
}
