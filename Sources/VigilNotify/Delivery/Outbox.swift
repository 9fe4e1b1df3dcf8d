import Foundation
import VigilHosts

/// A channel's queue on disk: one file a message, named so that their order is the send order.
/// Each is written whole (temp, fsync, rename, fsync folder) before anything is sent and
/// removed after the receiver accepted it, so a restart loses nothing; a crash between the
/// answer and the removal sends that message again (at-least-once; the event id tells).
struct Outbox: Sendable {
    let folder: String

    init(stateDirectory: String, channel: String) throws {
        folder = "\(stateDirectory)/outbox/\(channel)"
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
    }

    /// The queued files, oldest first.
    func pending() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
            .sorted()
    }

    func append(_ entry: OutboxEntry) throws {
        let sequence = (pending().last.flatMap { Int($0.prefix(while: \.isNumber)) } ?? 0) + 1
        let name = String(format: "%012d", sequence) + "-\(entry.eventID).json"
        let data = try JSONEncoder().encode(entry)
        try AtomicFile.replace("\(folder)/\(name)", with: [UInt8](data), defaultMode: 0o600)
    }

    func read(_ name: String) -> OutboxEntry? {
        guard let data = FileManager.default.contents(atPath: "\(folder)/\(name)") else { return nil }
        return try? JSONDecoder().decode(OutboxEntry.self, from: data)
    }

    func remove(_ name: String) {
        unlink("\(folder)/\(name)")
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if descriptor >= 0 {
            _ = fsync(descriptor)
            close(descriptor)
        }
    }
}
