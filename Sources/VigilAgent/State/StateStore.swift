import Foundation
import VigilCore
import VigilHosts

/// `state_dir/SERVICE.state.json`: written whole (temp, fsync, rename, fsync folder) before and
/// after every external step, read once at start.
public struct StateStore: Sendable {
    public let folder: String

    /// Creates the folder (0700) when missing, and refuses one that is not private to this
    /// user: the daemon runs as root and acts on what it reads here.
    public init(folder: String) throws {
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        try Self.checkPrivate(folder, what: "the state folder", fix: "chmod 700")
        self.folder = folder
    }

    /// `path` must belong to this process's user and be writable by nobody else.
    static func checkPrivate(_ path: String, what: String, fix: String) throws {
        var status = stat()
        guard lstat(path, &status) == 0 else { throw UnsafeState(message: "\(what) \(path) cannot be read: \(String(cString: strerror(errno)))") }
        guard status.st_uid == geteuid() else {
            throw UnsafeState(
                message: "\(what) \(path) belongs to uid \(status.st_uid), not to uid \(geteuid()) that runs Vigil; "
                    + "run `chown \(geteuid()) \(path)` if it is yours")
        }
        guard status.st_mode & 0o022 == 0 else {
            throw UnsafeState(
                message: "\(what) \(path) can be written by others (mode \(String(status.st_mode & 0o777, radix: 8))); run `\(fix) \(path)`")
        }
    }

    /// The state file of a service. Names are checked by the config; this check keeps a name
    /// that was not from leaving the folder.
    public func path(of service: String) -> String { "\(folder)/\(Self.fileName(service)).state.json" }

    private static func fileName(_ name: String) -> String {
        guard name.isEmpty || name == "." || name == ".." || name.contains("/") || name.contains("\u{0}") else { return name }
        preconditionFailure("a state file name from \"\(name.escapingControlCharacters)\" would leave the state folder; names are checked at load")
    }

    public func save(_ snapshot: ServiceSnapshot, service: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.replace(path(of: service), with: [UInt8](try encoder.encode(snapshot)), defaultMode: 0o600)
    }

    /// The saved snapshot, nil when there is none; a file that does not decode, is not private
    /// to this user or holds values out of range is an error, never silently replaced by a
    /// fresh start.
    public func load(service: String) throws -> ServiceSnapshot? {
        let path = path(of: service)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        try Self.checkPrivate(path, what: "the saved state", fix: "chmod 600")
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CorruptState(path: path, reason: "it cannot be read")
        }
        let snapshot: ServiceSnapshot
        do {
            snapshot = try JSONDecoder().decode(ServiceSnapshot.self, from: data)
        } catch {
            throw CorruptState(path: path, reason: "\(error)")
        }
        if let problem = snapshot.rangeProblem { throw CorruptState(path: path, reason: "out of range: \(problem)") }
        return snapshot
    }

    /// The copy of what Vigil last wrote to a load balancer's upstream file, to notice hand edits.
    public func writtenUpstream(service: String, balancer: String) -> String? {
        FileManager.default.contents(atPath: writtenPath(service, balancer)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Keeps what a load balancer's file holds; `adopted` marks a file Vigil found (the
    /// operator's own) rather than wrote, until Vigil writes it.
    public func recordWrittenUpstream(_ text: String, service: String, balancer: String, adopted: Bool = false) throws {
        try AtomicFile.replace(writtenPath(service, balancer), with: Array(text.utf8), defaultMode: 0o600)
        let marker = writtenPath(service, balancer) + ".adopted"
        if adopted {
            try AtomicFile.replace(marker, with: [], defaultMode: 0o600)
        } else if unlink(marker) != 0 && errno != ENOENT {
            throw RemoteError(.localIO, host: "local", "cannot remove \(marker): \(String(cString: strerror(errno)))")
        }
    }

    /// Whether the file Vigil keeps for this load balancer is one it found rather than wrote.
    public func isAdopted(service: String, balancer: String) -> Bool {
        FileManager.default.fileExists(atPath: writtenPath(service, balancer) + ".adopted")
    }

    private func writtenPath(_ service: String, _ balancer: String) -> String {
        "\(folder)/\(Self.fileName(service)).\(Self.fileName(balancer)).upstream"
    }

    /// A state folder or file others could have written.
    public struct UnsafeState: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public struct CorruptState: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "the saved state \(path) cannot be read (\(reason)); move it aside to start afresh" }
    }
}
