import Foundation
import Logging
import Synchronization
import VigilCore
import VigilHosts

/// The recent incidents of each service, newest first, for the status page: kept in
/// `state_dir/SERVICE.incidents.json` (written whole: temp, fsync, rename), at most `limit`.
public final class IncidentHistory: Sendable {
    public let folder: String
    let limit: Int
    private let logger: Logger
    private let cache = Mutex<[String: [Incident]]>([:])

    public init(folder: String, limit: Int = 20, logger: Logger) {
        self.folder = folder
        self.limit = limit
        self.logger = logger
    }

    private func path(_ service: String) -> String { "\(folder)/\(service).incidents.json" }

    public func recent(service: String) -> [Incident] {
        cache.withLock { cache in
            if let known = cache[service] { return known }
            let loaded = load(service)
            cache[service] = loaded
            return loaded
        }
    }

    /// The history on disk; one that cannot be decoded is logged with its cause and started
    /// afresh (the next incident replaces it), since the page must not lose its live state to it.
    private func load(_ service: String) -> [Incident] {
        guard let data = FileManager.default.contents(atPath: path(service)) else { return [] }
        do {
            return try JSONDecoder().decode([Incident].self, from: data)
        } catch {
            logger.error("the incident history \(path(service)) cannot be read, so it starts empty: \(error)")
            return []
        }
    }

    /// The recent incidents with `latest` (the machine's last one) in its place: the machine's
    /// state changes before its `.persist` effect writes the history, and a reader in between
    /// must not see an incident that has ended missing from the list.
    public func recent(service: String, including latest: Incident?) -> [Incident] {
        Self.merging(latest, into: recent(service: service), limit: limit)
    }

    static func merging(_ incident: Incident?, into incidents: [Incident], limit: Int) -> [Incident] {
        guard let incident else { return incidents }
        var incidents = incidents
        if let index = incidents.firstIndex(where: { $0.id == incident.id }) {
            incidents[index] = incident
        } else {
            incidents.insert(incident, at: 0)
        }
        return Array(incidents.prefix(limit))
    }

    /// Adds a closed incident (or updates it, when a later attempt changed it); unchanged ones
    /// are not written again.
    func record(_ incident: Incident, service: String) throws {
        let known = recent(service: service)
        guard !known.contains(incident) else { return }
        let incidents = Self.merging(incident, into: known, limit: limit)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.replace(path(service), with: [UInt8](try encoder.encode(incidents)), defaultMode: 0o600)
        cache.withLock { $0[service] = incidents }
    }
}
