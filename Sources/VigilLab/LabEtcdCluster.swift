import Foundation
import Synchronization

/// A real etcd cluster on loopback (Debian's `etcd-server`): members on free ports, each in a
/// folder of its own, started and stopped by PID. A member stopped and started again keeps its
/// data folder, so it rejoins as itself.
public final class LabEtcdCluster: Sendable {
    public static let binary = "/usr/bin/etcd"
    public static let control = "/usr/bin/etcdctl"

    public struct Member: Sendable {
        public let name: String
        public let clientPort: Int
        public let peerPort: Int
        public var endpoint: String { "http://127.0.0.1:\(clientPort)" }
    }

    public let members: [Member]
    private let folder: LabFolder
    private let processes: Mutex<[String: LabProcess]>
    private let initialCluster: String
    /// `root:PASSWORD` once auth is on: etcdctl needs it from then on.
    private let root = Mutex<String?>(nil)

    private init(members: [Member], folder: LabFolder) {
        self.members = members
        self.folder = folder
        processes = Mutex([:])
        initialCluster = members.map { "\($0.name)=http://127.0.0.1:\($0.peerPort)" }.joined(separator: ",")
    }

    /// The members' client URLs, in order.
    public var endpoints: [String] { members.map(\.endpoint) }

    /// Starts `size` members and returns once the cluster answers through every member.
    /// A port picked free can be taken before its member binds it (most often as the source
    /// port of another member's connection to a peer): the whole cluster is then started again
    /// on new ports, a few times.
    public static func start(size: Int = 3) async throws -> LabEtcdCluster {
        try LabProcess.require(binary, package: "etcd-server")
        try LabProcess.require(control, package: "etcd-client")
        var lastError: (any Error)?
        for _ in 0..<3 {
            let folder = try LabFolder(prefix: "etcd")
            var members: [Member] = []
            for index in 1...size {
                members.append(Member(name: "n\(index)", clientPort: try FreePort.pick(), peerPort: try FreePort.pick()))
            }
            let cluster = LabEtcdCluster(members: members, folder: folder)
            do {
                for member in members { try cluster.launch(member) }
                try await cluster.waitUntilHealthy(members)
                return cluster
            } catch {
                lastError = error
                await cluster.stop()
            }
        }
        throw lastError ?? LabError.timedOut("etcd to start")
    }

    private func launch(_ member: Member) throws {
        let arguments = [
            "--name", member.name, "--data-dir", folder.file("\(member.name).data"),
            "--listen-client-urls", member.endpoint, "--advertise-client-urls", member.endpoint,
            "--listen-peer-urls", "http://127.0.0.1:\(member.peerPort)",
            "--initial-advertise-peer-urls", "http://127.0.0.1:\(member.peerPort)",
            "--initial-cluster", initialCluster, "--initial-cluster-state", "new", "--initial-cluster-token", "vigil-lab",
            "--heartbeat-interval", "50", "--election-timeout", "500", "--logger", "zap", "--log-outputs", "stderr",
        ]
        let process = try LabProcess.launch(Self.binary, arguments, name: "etcd-\(member.name)", log: folder.file("\(member.name).log"))
        processes.withLock { $0[member.name] = process }
    }

    /// Waits until each of `members` answers `etcdctl endpoint health` (a linearizable read).
    public func waitUntilHealthy(_ members: [Member], timeout: Duration = .seconds(30)) async throws {
        try await LabWait.until("etcd \(members.map(\.name)) to be healthy", timeout: timeout, interval: .milliseconds(200)) {
            for member in members {
                guard processes.withLock({ $0[member.name]?.isRunning }) == true else {
                    throw LabError.notReady("etcd \(member.name)", log: folder.read("\(member.name).log").suffix(3_000).description)
                }
                let login = root.withLock { $0 }.map { ["--user", $0] } ?? []
                let (status, _) = try await LabProcess.run(
                    Self.control, ["--endpoints", member.endpoint, "--command-timeout", "2s"] + login + ["endpoint", "health"],
                    timeout: .seconds(10), check: false)
                if status != 0 { return false }
            }
            return true
        }
    }

    /// Runs `etcdctl` against the cluster (for what a test sets up), as root once auth is on.
    @discardableResult
    public func etcdctl(_ arguments: [String]) async throws -> String {
        let login = root.withLock { $0 }.map { ["--user", $0] } ?? []
        return try await LabProcess.run(Self.control, ["--endpoints", endpoints.joined(separator: ",")] + login + arguments, timeout: .seconds(20))
            .output
    }

    /// Adds the root user and turns auth on: from then on every request needs a token.
    public func enableAuth(rootPassword: String) async throws {
        try await etcdctl(["user", "add", "root:\(rootPassword)"])
        try await etcdctl(["auth", "enable"])
        root.withLock { $0 = "root:\(rootPassword)" }
    }

    /// Stops one member (SIGTERM to its PID, then SIGKILL).
    public func stop(_ member: Member) {
        let process = processes.withLock { $0.removeValue(forKey: member.name) }
        process?.terminate()
    }

    /// Starts a stopped member again on its data folder and waits until it answers.
    public func restart(_ member: Member) async throws {
        try await restart([member])
    }

    /// Starts stopped members again together (a cluster stopped whole has no quorum until a
    /// majority is back) and waits until each answers.
    public func restart(_ members: [Member]) async throws {
        for member in members { try launch(member) }
        try await waitUntilHealthy(members)
    }

    public func stop() async {
        let all = processes.withLock { processes in
            defer { processes = [:] }
            return processes
        }
        for process in all.values { process.terminate() }
        folder.remove()
    }
}
