import Foundation
import Testing
import VigilAgent
import VigilCore
import VigilLab

/// The root daemon acts on what it reads from its state folder, so only what it could have
/// written is read: found by probing, a world-writable folder with a file owned by `nobody` was
/// loaded without a word, and a timer counter near Int64.max crashed the agent after "resuming".
@Suite struct StateStoreTests {
    private let snapshot = ServiceStateMachine(
        config: ServiceConfig(name: "shop", loadBalancers: ["lb0"]), upstreams: [UpstreamLayout(active: .primary)]
    ).state

    @Test func aFolderOthersCanWriteIsRefusedWithTheFix() throws {
        let folder = try LabFolder(prefix: "state")
        defer { folder.remove() }
        chmod(folder.path, 0o777)
        do {
            _ = try StateStore(folder: folder.path)
            Issue.record("a world-writable state folder was accepted")
        } catch {
            #expect("\(error)".contains("can be written by others (mode 777); run `chmod 700 \(folder.path)`"), "\(error)")
        }
    }

    @Test func aStateFileOfAnotherUserIsRefused() throws {
        let folder = try LabFolder(prefix: "state")
        defer { folder.remove() }
        let store = try StateStore(folder: folder.path)
        try store.save(snapshot, service: "shop")
        let nobody = try #require(getpwnam("nobody")?.pointee.pw_uid, "the nobody user exists on Debian")
        chown(store.path(of: "shop"), nobody, gid_t.max)
        do {
            _ = try store.load(service: "shop")
            Issue.record("a state file owned by nobody was loaded")
        } catch {
            #expect("\(error)".contains("belongs to uid \(nobody)"), "\(error)")
        }
    }

    @Test func aSnapshotWithCountersOutOfRangeIsRefusedByName() throws {
        let folder = try LabFolder(prefix: "state")
        defer { folder.remove() }
        let store = try StateStore(folder: folder.path)
        var bad = snapshot
        bad.timers.next = Int.max - 1
        try store.save(bad, service: "shop")
        do {
            _ = try store.load(service: "shop")
            Issue.record("a timer counter near Int.max was loaded")
        } catch {
            #expect("\(error)".contains("out of range: timers.next is \(Int.max - 1)"), "\(error)")
            #expect("\(error)".contains(store.path(of: "shop")))
        }
        #expect(snapshot.rangeProblem == nil)
    }
}
