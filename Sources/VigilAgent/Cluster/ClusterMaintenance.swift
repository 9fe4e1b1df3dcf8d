import Foundation
import Logging
import VigilEtcd
import VigilHosts

/// Maintenance windows added at run time, shared by the cluster: the leader (which carries out
/// every `vigil maintenance add|cancel`, forwarded from any agent) publishes its
/// `state_dir/maintenance.json` to `PREFIX/maintenance` when it changes, and every other agent
/// writes what was published into its own file, which its schedule and pages read as alone.
enum ClusterMaintenance {
    static func sync(member: ClusterMember, store: MaintenanceStore, watch: MaintenanceWatch, logger: Logger) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await publish(member: member, store: store, logger: logger) }
            group.addTask { await follow(member: member, store: store, watch: watch) }
        }
    }

    private static func key(_ member: ClusterMember) -> String { member.config.prefix + "maintenance" }

    /// On the leader: the local file, when it differs from what was published last.
    private static func publish(member: ClusterMember, store: MaintenanceStore, logger: Logger) async {
        var published: [UInt8]?
        while !Task.isCancelled {
            if member.mayAct, let epoch = member.epoch {
                let contents = FileManager.default.contents(atPath: store.path).map { [UInt8]($0) } ?? Array("[]".utf8)
                if contents != published {
                    do {
                        let result = try await member.client.txn(
                            compare: [EtcdCompare(key: member.leaderKey, .createRevision(epoch))],
                            success: [.put(key: key(member), value: contents, lease: nil)])
                        if result.succeeded { published = contents }
                    } catch {
                        logger.warning("cluster: cannot share the maintenance windows: \(error)")
                    }
                }
            } else {
                published = nil  // a leader again later publishes what it then has
            }
            do {
                try await Task.sleep(for: .seconds(1))
            } catch {
                return
            }
        }
    }

    /// On the others: what the leader published, into the local file.
    private static func follow(member: ClusterMember, store: MaintenanceStore, watch: MaintenanceWatch) async {
        await member.follow(key(member), what: "the shared maintenance windows") { kvs in
            if let kv = kvs.first { try adopt(kv.value, member: member, store: store, watch: watch) }
        } change: { event in
            if event.kind == .put { try adopt(event.keyValue.value, member: member, store: store, watch: watch) }
        }
    }

    private static func adopt(_ contents: [UInt8], member: ClusterMember, store: MaintenanceStore, watch: MaintenanceWatch) throws {
        guard !member.mayAct else { return }  // the leader's own file is the source
        guard FileManager.default.contents(atPath: store.path).map({ [UInt8]($0) }) != contents else { return }
        // Checked before it replaces a good file: the leader's list must read as windows.
        _ = try JSONDecoder.maintenance.decode([MaintenanceWindow].self, from: Data(contents))
        try AtomicFile.replace(store.path, with: contents, defaultMode: 0o600)
        try watch.refresh()
    }
}
