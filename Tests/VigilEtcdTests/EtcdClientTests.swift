import Foundation
import Synchronization
import Testing
import VigilEtcd
import VigilLab

/// The etcd client against a real three-member etcd on loopback: keys, the election's
/// transaction, lease expiry, a watch that resumes after its member restarts, auth, and errors
/// that name the endpoint and carry etcd's own message.
@Suite struct EtcdClientTests {
    @Test func keysTransactionsAndTheElectionsCompare() async throws {
        try await withLabServer({ try await LabEtcdCluster.start() }) { cluster in
            let client = EtcdClient(endpoints: cluster.endpoints)
            #expect(try await client.members().map(\.name).sorted() == ["n1", "n2", "n3"])
            let revision = try await client.put("/vigil/services/shop/snapshot", Array("saved".utf8))
            #expect(revision > 0)
            try await client.put("/vigil/services/blog/snapshot", Array("other".utf8))
            let (kvs, _) = try await client.range("/vigil/services/", prefix: true)
            #expect(kvs.map(\.key) == ["/vigil/services/blog/snapshot", "/vigil/services/shop/snapshot"])

            // The leader key: the first txn on create_revision == 0 wins; the second sees the holder.
            let first = try await client.txn(
                compare: [.absent("/vigil/leader")], success: [.put(key: "/vigil/leader", value: Array("lb1".utf8), lease: nil)],
                failure: [.range(key: "/vigil/leader", prefix: false)])
            let second = try await client.txn(
                compare: [.absent("/vigil/leader")], success: [.put(key: "/vigil/leader", value: Array("lb2".utf8), lease: nil)],
                failure: [.range(key: "/vigil/leader", prefix: false)])
            #expect(first.succeeded && !second.succeeded)
            #expect(second.ranges.first?.first?.text == "lb1")
            let holder = try #require(second.ranges.first?.first)
            // A write guarded by the holder's key revision.
            let guarded = try await client.txn(
                compare: [EtcdCompare(key: "/vigil/leader", .createRevision(holder.createRevision))],
                success: [.put(key: "/vigil/services/shop/snapshot", value: Array("by lb1".utf8), lease: nil)])
            #expect(guarded.succeeded)
            #expect(try await client.delete("/vigil/services/", prefix: true) == 2)
            #expect(try await client.range("/vigil/services/", prefix: true).kvs.isEmpty)
        }
    }

    @Test func aLeaseThatIsNotRenewedExpiresWithItsKeys() async throws {
        try await withLabServer({ try await LabEtcdCluster.start() }) { cluster in
            let client = EtcdClient(endpoints: cluster.endpoints)
            let lease = try await client.grantLease(ttl: 2)
            #expect(lease.ttl == 2 && lease.id != 0)
            try await client.put("/vigil/views/lb1", Array("up".utf8), lease: lease.id)
            #expect(try await client.keepAlive(lease.id) == 2)
            #expect(try await client.range("/vigil/views/lb1").kvs.first?.lease == lease.id)
            let renewedAt = ContinuousClock.now
            try await LabWait.until("the lease to expire", timeout: .seconds(10), interval: .milliseconds(100)) {
                try await client.range("/vigil/views/lb1").kvs.isEmpty
            }
            #expect(renewedAt.duration(to: .now) >= .milliseconds(1_500), "not before its time to live")
            #expect(try await client.keepAlive(lease.id) == nil, "a lease that is gone says so")
            do {
                try await client.revoke(lease.id)
                Issue.record("revoking a lease that is gone was accepted")
            } catch let error as EtcdError {
                #expect(error.message?.contains("requested lease not found") == true, "\(error)")
            }
        }
    }

    @Test func aWatchResumesAfterItsMemberRestartsWithoutLosingOrRepeating() async throws {
        try await withLabServer({ try await LabEtcdCluster.start() }) { cluster in
            let watcher = EtcdClient(endpoints: cluster.endpoints)
            let writer = EtcdClient(endpoints: Array(cluster.endpoints.reversed()))
            let seen = Mutex<[String]>([])
            let watch = Task {
                for try await event in watcher.watch("/vigil/requests/", prefix: true) {
                    seen.withLock { $0.append("\(event.kind.rawValue) \(event.keyValue.key)=\(event.keyValue.text)") }
                }
            }
            defer { watch.cancel() }
            // The stream is open once a write made after it is seen.
            try await LabWait.until("the watch to deliver", timeout: .seconds(10), interval: .milliseconds(100)) {
                try await writer.put("/vigil/requests/probe", Array("x".utf8))
                return !seen.withLock { $0 }.isEmpty
            }
            let before = seen.withLock { $0.count }
            try await writer.put("/vigil/requests/1", Array("failover".utf8))
            try await LabWait.until("the first request") { seen.withLock { $0.count } > before }
            cluster.stop(cluster.members[0])  // the member the watch talks to
            try await writer.put("/vigil/requests/2", Array("failback".utf8))
            try await writer.delete("/vigil/requests/1")
            try await LabWait.until("both changes through another member", timeout: .seconds(15)) {
                seen.withLock { $0 }.contains("delete /vigil/requests/1=")
            }
            try await cluster.restart(cluster.members[0])
            let events = seen.withLock { $0 }.filter { !$0.contains("probe") }
            #expect(events == ["put /vigil/requests/1=failover", "put /vigil/requests/2=failback", "delete /vigil/requests/1="])
        }
    }

    @Test func authTokensAreTakenAndRenewedAndRefusalsCarryEtcdsWords() async throws {
        // Simple tokens live in the member that issued them: a restart invalidates them.
        try await withLabServer({ try await LabEtcdCluster.start() }) { cluster in
            try await cluster.enableAuth(rootPassword: "lab-root-pw")
            let anonymous = EtcdClient(endpoints: cluster.endpoints)
            do {
                try await anonymous.put("/vigil/x", [1])
                Issue.record("a write without a token was accepted")
            } catch let error as EtcdError {
                #expect(error.message?.contains("user name is empty") == true || error.message?.contains("permission denied") == true, "\(error)")
            }
            let wrong = EtcdClient(endpoints: cluster.endpoints, credentials: ("root", "nope"))
            do {
                try await wrong.put("/vigil/x", [1])
                Issue.record("a wrong password was accepted")
            } catch let error as EtcdError {
                #expect(error.message?.contains("authentication failed") == true, "\(error)")
                #expect(!error.description.contains("nope"))
            }
            let client = EtcdClient(endpoints: cluster.endpoints, credentials: ("root", "lab-root-pw"))
            try await client.put("/vigil/x", [1])
            #expect(try await client.range("/vigil/x").kvs.first?.value == [1])
            cluster.stop(cluster.members[0])
            try await cluster.restart(cluster.members[0])
            try await client.put("/vigil/x", [3])  // the old token is refused; a new one is taken
            #expect(try await client.range("/vigil/x").kvs.first?.value == [3])
            #expect(client.currentEndpoint == cluster.endpoints[0])
        }
    }

    @Test func endpointsAreFailedOverInOrderAndUnreachableOnesNamed() async throws {
        try await withLabServer({ try await LabEtcdCluster.start() }) { cluster in
            let dead = "http://127.0.0.1:\(try FreePort.pick())"
            let client = EtcdClient(endpoints: [dead] + cluster.endpoints)
            try await client.put("/vigil/y", [2])
            #expect(client.currentEndpoint == cluster.endpoints[0], "the next endpoint took the call")
            let nowhere = EtcdClient(endpoints: [dead, "http://127.0.0.1:\(try FreePort.pick())"], timeout: .seconds(2))
            do {
                _ = try await nowhere.range("/vigil/y")
                Issue.record("no endpoint, but an answer")
            } catch let error as EtcdError {
                guard case .unreachable(let failures) = error.kind else {
                    Issue.record("\(error)")
                    return
                }
                #expect(failures.count == 2 && failures[0].hasPrefix(dead), "\(failures)")
            }
        }
    }
}
