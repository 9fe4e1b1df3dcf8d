import Foundation
import Logging
import Synchronization
import VigilCore
import VigilHTTP

/// The notification path: messages go into each channel's outbox on disk at once (the caller
/// never waits for a receiver), and one worker per channel delivers them in order.
public final class Notifier: Sendable {
    private let pipelines: [String: ChannelPipeline]
    private let agentHost: String
    private let tasks = Mutex<[Task<Void, Never>]>([])
    private let enqueueing = Mutex(())
    /// Channels whose alarm was raised and not yet cleared.
    private let alarmed = Mutex<Set<String>>([])
    private let alarmCheckInterval: Duration
    private let engine: HTTPEngine
    private let logger: Logger

    public init(
        stateDirectory: String, channels: [NotificationChannel], engine: HTTPEngine = .shared,
        policy: DeliveryPolicy = DeliveryPolicy(), agentHost: String, publicWording: PublicWording = PublicWording(),
        observe: DeliveryObserver? = nil,
        alarmCheckInterval: Duration = .seconds(5), logger: Logger
    ) throws {
        self.alarmCheckInterval = alarmCheckInterval
        self.engine = engine
        self.logger = logger
        var pipelines: [String: ChannelPipeline] = [:]
        for channel in channels {
            let outbox = try Outbox(stateDirectory: stateDirectory, channel: channel.name)
            pipelines[channel.name] = ChannelPipeline(
                channel: channel, renderer: try MessageRenderer(overrides: channel.templates), publicWording: publicWording, outbox: outbox,
                worker: DeliveryWorker(channel: channel, outbox: outbox, engine: engine, policy: policy, observe: observe, logger: logger))
        }
        self.pipelines = pipelines
        self.agentHost = agentHost
    }

    /// Starts the workers; what an earlier run left in the outboxes is delivered first.
    public func start() {
        tasks.withLock { tasks in
            guard tasks.isEmpty else { return }
            tasks = pipelines.values.map { pipeline in Task { await pipeline.worker.run() } }
            tasks.append(Task { [self] in await watchChannels() })
        }
    }

    /// Raises a channel's alarm when it has delivered nothing for its `alarm_after` while
    /// messages wait (an error in the log, a message on the other channels), and clears it when
    /// it delivers again.
    private func watchChannels() async {
        while !Task.isCancelled {
            let now = Date()
            for outbox in outboxes(at: now) {
                let changed = alarmed.withLock { alarmed in
                    guard alarmed.contains(outbox.channel) != outbox.failing else { return false }
                    if outbox.failing { alarmed.insert(outbox.channel) } else { alarmed.remove(outbox.channel) }
                    return true
                }
                guard changed else { continue }
                let failing = alarmed.withLock { $0 }
                let kind: MessageKind = outbox.failing ? .channelFailing : .channelRecovered
                let others = pipelines.filter { name, pipeline in
                    name != outbox.channel && !failing.contains(name) && pipeline.channel.filter.accepts(kind)
                }.keys.sorted()
                let message: Message
                if outbox.failing {
                    let since = DurationText.format(.seconds(Int64(now.timeIntervalSince(outbox.oldest ?? now))))
                    let reason =
                        "the channel \(outbox.channel) has delivered nothing for \(since) (\(outbox.pending) messages waiting); "
                        + "they are kept and sent when it works again"
                    logger.error("\(reason)")
                    message = Message(kind: kind, service: "vigil", reason: reason, at: Self.instant(now))
                } else {
                    let reason = "the channel \(outbox.channel) delivers again"
                    logger.notice("\(reason)")
                    message = Message(kind: kind, service: "vigil", reason: reason, at: Self.instant(now))
                }
                guard !others.isEmpty else { continue }
                do {
                    try enqueue(message, to: others, at: now)
                } catch {
                    logger.error("cannot queue the \(message.kind.rawValue) message: \(error)")
                }
            }
            do {
                try await Task.sleep(for: alarmCheckInterval)
            } catch {
                return  // stopped
            }
        }
    }

    static func instant(_ date: Date) -> Instant { Instant(.milliseconds(Int64(date.timeIntervalSince1970 * 1_000))) }

    /// Stops the workers; undelivered messages stay in the outboxes for the next start.
    public func stop() async {
        let running = tasks.withLock { tasks in
            defer { tasks = [] }
            return tasks
        }
        for task in running { task.cancel() }
        for task in running { await task.value }
    }

    /// Queues a service's message on each of its routes whose filter, and whose channel's
    /// filter, let its kind through. Returns the event id, or nil when no route takes it.
    @discardableResult
    public func enqueue(_ message: Message, routes: [NotifyRoute], at time: Date = Date()) throws -> String? {
        let names = routes.filter { route in
            route.filter.accepts(message.kind) && (pipelines[route.channel]?.channel.filter.accepts(message.kind) ?? true)
        }.map(\.channel)
        guard !names.isEmpty else { return nil }
        return try enqueue(message, to: names, at: time)
    }

    /// Renders and queues a message for each named channel, durably, and returns at once.
    /// Returns the event id (the same on every channel, so a receiver can drop repeats).
    @discardableResult
    public func enqueue(_ message: Message, to channelNames: [String], at time: Date = Date()) throws -> String {
        let eventID = UUID().uuidString.lowercased()
        // Every name is checked before anything is queued: a message goes to all of them or none.
        let chosen = try channelNames.map { name in
            guard let pipeline = pipelines[name] else { throw UnknownChannel(name: name) }
            return pipeline
        }
        try enqueueing.withLock { _ in
            for pipeline in chosen {
                guard let entry = pipeline.entry(for: message, eventID: eventID, agentHost: agentHost, time: time) else { continue }
                try pipeline.outbox.append(entry)
            }
        }
        for pipeline in chosen { pipeline.worker.nudge() }
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

    private var pendingTotal: Int { pipelines.values.reduce(0) { $0 + $1.outbox.pending().count } }

    /// `vigil notify test`: one test message straight to each named channel (every channel when
    /// `names` is empty), bypassing the outbox, with how each attempt ended.
    public func sendTest(to names: [String], at instant: Instant, time: Date = Date()) async -> [(channel: String, delivered: Bool, result: String)] {
        let message = Message(
            kind: .test, service: "vigil",
            reason: "A test from `vigil notify test` on \(agentHost). No action needed.", at: instant)
        var results: [(channel: String, delivered: Bool, result: String)] = []
        for name in names.isEmpty ? pipelines.keys.sorted() : names {
            guard let pipeline = pipelines[name] else {
                results.append((name, false, "no channel named \(name); configured: \(pipelines.keys.sorted().joined(separator: ", "))"))
                continue
            }
            // The public wording has no test kind: a public channel is tested with the internal one.
            guard
                let entry = pipeline.entry(
                    for: message, eventID: UUID().uuidString.lowercased(), agentHost: agentHost, time: time, audience: .internal)
            else { continue }
            switch await pipeline.worker.send(entry) {
            case .delivered: results.append((name, true, "delivered"))
            case .dropped(let why): results.append((name, false, why))
            case .retry(let why, _): results.append((name, false, "not delivered: \(why)"))
            }
        }
        return results
    }

    /// Whether each named channel's endpoint can be reached (a connection and, for https, a TLS
    /// handshake; nothing is posted): the problems, in words that name the peer, never the URL.
    public func unreachableChannels(_ names: [String]) async -> [String] {
        var problems: [String] = []
        for name in names {
            guard let pipeline = pipelines[name] else { continue }
            if let error = await engine.connect(url: pipeline.channel.url.exposed, tls: pipeline.channel.tls) {
                problems.append("channel \(name) cannot be reached: \(error)")
            }
        }
        return problems
    }

    /// Each channel's queue, by channel name.
    public func outboxes(at now: Date = Date()) -> [OutboxState] {
        pipelines.keys.sorted().compactMap { name in
            guard let pipeline = pipelines[name] else { return nil }
            let pending = pipeline.outbox.pending()
            let oldest = pending.first.flatMap(pipeline.outbox.read).map { Date(timeIntervalSince1970: $0.createdAt) }
            let waited = oldest.map { now.timeIntervalSince($0) } ?? 0
            return OutboxState(
                channel: name, pending: pending.count, oldest: oldest, failing: waited >= pipeline.channel.alarmAfter.secondsValue)
        }
    }

    /// Messages waiting on disk for a channel.

    public func pendingCount(channel: String) -> Int { pipelines[channel]?.outbox.pending().count ?? 0 }

    public struct UnknownChannel: Error, CustomStringConvertible {
        public var name: String
        public var description: String { "no notification channel named \(name)" }
    }
}
