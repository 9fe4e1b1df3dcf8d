import Foundation
import Synchronization
import VigilCore
import VigilHosts

/// The recent incidents of each service, newest first, for the status page: kept in
/// `state_dir/SERVICE.incidents.json` (written whole: temp, fsync, rename), at most `limit`.
public final class IncidentHistory: Sendable {
    public let folder: String
    let limit: Int
    private let cache = Mutex<[String: [Incident]]>([:])

    public init(folder: String, limit: Int = 20) {
        self.folder = folder
        self.limit = limit
    }

    private func path(_ service: String) -> String { "\(folder)/\(service).incidents.json" }

    public func recent(service: String) -> [Incident] {
        cache.withLock { cache in
            if let known = cache[service] { return known }
            let loaded =
                FileManager.default.contents(atPath: path(service))
                .flatMap { try? JSONDecoder().decode([Incident].self, from: $0) } ?? []
            cache[service] = loaded
            return loaded
        }
    }

    /// Adds a closed incident (or updates it, when a later attempt changed it); unchanged ones
    /// are not written again.
    func record(_ incident: Incident, service: String) throws {
        var incidents = recent(service: service)
        if let index = incidents.firstIndex(where: { $0.id == incident.id }) {
            guard incidents[index] != incident else { return }
            incidents[index] = incident
        } else {
            incidents.insert(incident, at: 0)
        }
        incidents = Array(incidents.prefix(limit))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.replace(path(service), with: [UInt8](try encoder.encode(incidents)), defaultMode: 0o600)
        cache.withLock { $0[service] = incidents }
    }
}
