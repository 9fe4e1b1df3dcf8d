import Foundation
import Logging
import VigilCore
import VigilEtcd

/// An operator's request that a follower hands to the leader through etcd: the follower puts it
/// under `PREFIX/requests/ID` (on its own lease, so it vanishes with the follower); the leader,
/// which watches that prefix, claims it (a delete guarded by its revision, so it runs once),
/// carries it out, and puts each line of its answer under `PREFIX/replies/ID/NNNNNN`, which the
/// follower watches and prints as if it had run here.
struct ForwardedRequest: Codable, Sendable {
    var id: String
    var request: ControlRequest
    /// The operator, as the follower knows them (`alice (uid 1000)`).
    var by: String
    /// The agent that forwarded it.
    var from: String

    /// How long a follower waits for the leader to take its request.
    static let takeLimit = Duration.seconds(10)

    /// On a follower: forwards `request` and hands each reply line to `reply` as the leader
    /// answers; returns whether it succeeded.
    static func forward(
        _ request: ControlRequest, by who: String, member: ClusterMember, reply: @escaping @Sendable (ControlReply) -> Void
    ) async -> Bool {
        let id = UUID().uuidString.lowercased()
        let forwarded = ForwardedRequest(id: id, request: request, by: who, from: member.config.name)
        let leader = member.status.leader.map { "the leader \($0)" } ?? "the leader"
        let repliesPrefix = member.repliesPrefix(id)
        let written: Int64
        do {
            written = try await member.client.put(
                member.requestsPrefix + id, Array(try JSONEncoder().encode(forwarded)), lease: member.currentLease)
        } catch {
            reply(
                .line(
                    "cannot hand the request to \(leader) through etcd: \(error). When etcd itself is down, "
                        + "--without-cluster acts from this agent (loud, recorded)"))
            return false
        }
        reply(.line("\(member.config.name) does not lead: handed to \(leader) through etcd; its answer follows"))
        defer {
            Task {
                do {
                    try await member.client.delete(repliesPrefix, prefix: true)
                } catch {
                    // The replies expire with the leader's lease anyway.
                }
            }
        }
        let outcome = await firstOf(
            within: ControlHandler.followLimit,
            {
                var taken = false
                for try await event in member.client.watch(repliesPrefix, prefix: true, fromRevision: written + 1) {
                    guard event.kind == .put else { continue }
                    taken = true
                    let line = try JSONDecoder().decode(ControlReply.self, from: Data(event.keyValue.value))
                    if case .finished(let outcome) = line { return outcome == .succeeded }
                    reply(line)
                }
                return taken ? false : nil
            },
            orUnlessTaken: { try await member.client.range(member.requestsPrefix + id).kvs.isEmpty })
        switch outcome {
        case .answered(let succeeded):
            return succeeded
        case .notTaken:
            do {
                try await member.client.delete(member.requestsPrefix + id)
            } catch {
                reply(.line("cannot withdraw the request from etcd: \(error)"))
            }
            reply(.line("\(leader) did not take the request within \(DurationText.format(takeLimit)); nothing was done"))
            return false
        case .failed(let why):
            reply(.line("lost \(leader)'s answer: \(why); `vigil status` on \(leader) shows how it went"))
            return false
        }
    }

    private enum Outcome: Sendable {
        case answered(Bool)
        case notTaken
        case failed(String)
    }

    /// Follows the answer; gives up when the request is still there, untaken, after `takeLimit`.
    private static func firstOf(
        within limit: Duration, _ follow: @escaping @Sendable () async throws -> Bool?,
        orUnlessTaken stillWaiting: @escaping @Sendable () async throws -> Bool
    ) async -> Outcome {
        await withTaskGroup(of: Outcome?.self) { group in
            group.addTask {
                do {
                    return try await follow().map { .answered($0) } ?? .failed("the answer ended early")
                } catch {
                    return .failed("\(error)")
                }
            }
            group.addTask {
                do {
                    try await Task.sleep(for: takeLimit)
                    if try await stillWaiting() { return .notTaken }
                    try await Task.sleep(for: limit)
                    return .failed("no end after \(DurationText.format(limit))")
                } catch {
                    return nil  // cancelled: the answer came first
                }
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .failed("no answer")
        }
    }

    /// On the leader: takes each forwarded request once (those waiting when it starts too) and
    /// answers it through `handle`.
    static func serve(
        member: ClusterMember, logger: Logger,
        handle: @escaping @Sendable (ControlRequest, String, @escaping @Sendable (ControlReply) -> Void) async -> Bool
    ) async {
        func take(_ kv: EtcdKeyValue) async throws {
            // The leader takes it (once its takeover is done); a follower leaves it.
            guard member.standing == .leading, await member.waitUntilItMayAct(within: takeLimit / 2) else { return }
            let claimed = try await member.client.txn(
                compare: [EtcdCompare(key: kv.key, .modRevision(kv.modRevision))], success: [.delete(key: kv.key, prefix: false)])
            guard claimed.succeeded else { return }
            let forwarded = try JSONDecoder().decode(ForwardedRequest.self, from: Data(kv.value))
            logger.notice("cluster: \(forwarded.request.command) from \(forwarded.by), forwarded by \(forwarded.from)")
            Task { await answer(forwarded, member: member, logger: logger, handle: handle) }
        }
        await member.follow(member.requestsPrefix, prefix: true, what: "forwarded requests") { kvs in
            for kv in kvs { try await take(kv) }
        } change: { event in
            if event.kind == .put { try await take(event.keyValue) }
        }
    }

    private static func answer(
        _ forwarded: ForwardedRequest, member: ClusterMember, logger: Logger,
        handle: @Sendable (ControlRequest, String, @escaping @Sendable (ControlReply) -> Void) async -> Bool
    ) async {
        // Lines go out in order, one put each; a put that fails is logged (the operator's
        // follower then says the answer was lost).
        let (lines, sink) = AsyncStream.makeStream(of: ControlReply.self)
        let writer = Task {
            var number = 0
            for await line in lines {
                number += 1
                do {
                    let key = member.repliesPrefix(forwarded.id) + String(format: "%06d", number)
                    try await member.client.put(key, Array(try JSONEncoder().encode(line)), lease: member.currentLease)
                } catch {
                    logger.error("cluster: cannot answer \(forwarded.from)'s forwarded request: \(error)")
                }
            }
        }
        _ = await handle(forwarded.request, "\(forwarded.by) via \(forwarded.from)") { sink.yield($0) }
        sink.finish()
        await writer.value
    }
}
