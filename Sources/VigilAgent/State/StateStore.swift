import Foundation
import VigilCore
import VigilHosts

/// `state_dir/SERVICE.state.json`: written whole (temp, fsync, rename, fsync folder) before and
/// after every external step, read once at start.
public struct StateStore: Sendable {
    public let folder: String

    public init(folder: String) throws {
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        self.folder = folder
    }

    public func path(of service: String) -> String { "\(folder)/\(service).state.json" }

    public func save(_ snapshot: ServiceSnapshot, service: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.replace(path(of: service), with: [UInt8](try encoder.encode(snapshot)), defaultMode: 0o600)
    }

    /// The saved snapshot, nil when there is none; a file that does not decode is an error, never
    /// silently replaced by a fresh start.
    public func load(service: String) throws -> ServiceSnapshot? {
        guard let data = FileManager.default.contents(atPath: path(of: service)) else { return nil }
        do {
            return try JSONDecoder().decode(ServiceSnapshot.self, from: data)
        } catch {
            throw CorruptState(path: path(of: service), reason: "\(error)")
        }
    }

    /// The copy of what Vigil last wrote to a load balancer's upstream file, to notice hand edits.
    public func writtenUpstream(service: String, balancer: String) -> String? {
        FileManager.default.contents(atPath: writtenPath(service, balancer)).map { String(decoding: $0, as: UTF8.self) }
    }

    public func recordWrittenUpstream(_ text: String, service: String, balancer: String) throws {
        try AtomicFile.replace(writtenPath(service, balancer), with: Array(text.utf8), defaultMode: 0o600)
    }

    private func writtenPath(_ service: String, _ balancer: String) -> String { "\(folder)/\(service).\(balancer).upstream" }

    public struct CorruptState: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "the saved state \(path) cannot be read (\(reason)); move it aside to start afresh" }
    }
}
