import Foundation
import VigilHosts

/// `state_dir/maintenance.json`: the windows added at run time, written whole (temp, fsync,
/// rename), so a crash keeps the old list or the new one. Windows that ended more than a week
/// ago are dropped when the list is written.
public struct MaintenanceStore: Sendable {
    public let path: String
    static let keepEnded: TimeInterval = 7 * 86_400

    public init(stateDirectory: String) { path = "\(stateDirectory)/maintenance.json" }

    public struct ReadError: Error, CustomStringConvertible {
        public var path: String
        public var cause: String
        public var description: String { "cannot read \(path): \(cause)" }
    }

    /// The windows; none when the file does not exist yet.
    public func windows() throws(ReadError) -> [MaintenanceWindow] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return try JSONDecoder.maintenance.decode([MaintenanceWindow].self, from: data)
        } catch {
            throw ReadError(path: path, cause: "\(error)")
        }
    }

    /// Adds a window and returns it with its id (`m-N`, one more than any before).
    public func add(_ window: MaintenanceWindow, now: Date = Date()) throws -> MaintenanceWindow {
        var windows = try self.windows()
        let highest = windows.compactMap { Int($0.id.dropFirst(2)) }.max() ?? 0
        var added = window
        added.id = "m-\(highest + 1)"
        windows.append(added)
        try write(windows, now: now)
        return added
    }

    /// Removes a window; returns it, or nil when no window has that id.
    public func cancel(_ id: String, now: Date = Date()) throws -> MaintenanceWindow? {
        var windows = try self.windows()
        guard let index = windows.firstIndex(where: { $0.id == id }) else { return nil }
        let removed = windows.remove(at: index)
        try write(windows, now: now)
        return removed
    }

    private func write(_ windows: [MaintenanceWindow], now: Date) throws {
        let kept = windows.filter { now.timeIntervalSince($0.end) < Self.keepEnded }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try AtomicFile.replace(path, with: Array(try encoder.encode(kept)), defaultMode: 0o600)
    }
}

extension JSONDecoder {
    static var maintenance: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
