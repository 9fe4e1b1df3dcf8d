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

    public init(
        stateDirectory: String, channels: [NotificationChannel], engine: HTTPEngine = .shared,
        policy: DeliveryPolicy = DeliveryPolicy(), agentHost: String, observe: DeliveryObserver? = nil, logger: Logger
    ) throws {
        var byName: [String: NotificationChannel] = [:]
        var renderers: [String: MessageRenderer] = [:]
        var outboxes: [String: Outbox] = [:]
        var workers: [String: DeliveryWorker] = [:]
        for channel in channels {
            byName[channel.name] = channel
            renderers[channel.name] = try MessageRenderer(overrides: channel.templates)
            let outbox = try Outbox(stateDirectory: stateDirectory, channel: channel.name)
            outboxes[channel.name] = outbox
            workers[channel.name] = DeliveryWorker(
                channel: channel, outbox: outbox, engine: engine, policy: policy, observe: observe,
                logger: logger)
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
        for task in running { task.cancel() }
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
                let body = NotificationPayload.body(
                    for: message, rendered: rendered, channel: channel.kind, eventID: eventID,
                    agentHost: agentHost, time: time)
                try outbox.append(OutboxEntry(eventID: eventID, channel: name, createdAt: time.timeIntervalSince1970, body: Data(body)))
            }
        }
        for name in channelNames { workers[name]?.nudge() }
        return eventID
    }

    /// Waits until every outbox is empty, at most `limit`; returns how many messages are left.
    public func drain(within limit: Duration) async -> Int {
        let interval = Duration.milliseconds(100)
        for _ in 0..<(Int(limit / interval) + 1) {
            if pendingTotal == 0 { return 0 }
            try? await Task.sleep(for: interval)
        }
        return pendingTotal
    }

    private var pendingTotal: Int { outboxes.values.reduce(0) { $0 + $1.pending().count } }

    /// `vigil notify test`: one test message straight to each named channel (every channel when
    /// `names` is empty), bypassing the outbox, with how each attempt ended.
    public func sendTest(to names: [String], at instant: Instant, time: Date = Date()) async -> [(channel: String, delivered: Bool, result: String)] {
        let message = Message(
            kind: .test, service: "vigil",
            reason: "A test from `vigil notify test` on \(agentHost). No action needed.", at: instant)
        var results: [(channel: String, delivered: Bool, result: String)] = []
        for name in names.isEmpty ? channels.keys.sorted() : names {
            guard let channel = channels[name], let renderer = renderers[name], let worker = workers[name] else {
                results.append((name, false, "no channel named \(name); configured: \(channels.keys.sorted().joined(separator: ", "))"))
                continue
            }
            let rendered = renderer.render(message, statusPageURL: channel.statusPageURL)
            let eventID = UUID().uuidString.lowercased()
            let body = NotificationPayload.body(
                for: message, rendered: rendered, channel: channel.kind, eventID: eventID,
                agentHost: agentHost, time: time)
            switch await worker.send(OutboxEntry(eventID: eventID, channel: name, createdAt: time.timeIntervalSince1970, body: Data(body))) {
            case .delivered: results.append((name, true, "delivered"))
            case .dropped(let why): results.append((name, false, why))
            case .retry(let why, _): results.append((name, false, "not delivered: \(why)"))
            }
        }
        return results
    }

    /// Messages waiting on disk for a channel.
    public func pendingCount(channel: String) -> Int { outboxes[channel]?.pending().count ?? 0 }

    public struct UnknownChannel: Error, CustomStringConvertible {
        public var name: String
        public var description: String { "no notification channel named \(name)" }
    }
}
