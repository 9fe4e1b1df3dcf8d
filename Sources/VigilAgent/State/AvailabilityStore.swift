import Foundation
import Logging
import VigilHosts
import VigilStatus

/// `state_dir/SERVICE.availability.json`: a service's check history for the pictures (24 hours
/// by minute, 90 days by day; at most about 90 KB a series, 270 KB a service), written whole once a minute and at
/// shutdown, read at start. A file that cannot be read is kept aside, said, and started anew:
/// the pictures matter less than watching.
struct AvailabilityStore: Sendable {
    let folder: String
    let logger: Logger

    func path(_ service: String) -> String { "\(folder)/\(service).availability.json" }

    func load(services: [String]) -> [String: AvailabilityHistory.Series] {
        var loaded: [String: AvailabilityHistory.Series] = [:]
        for service in services where FileManager.default.fileExists(atPath: path(service)) {
            do {
                loaded[service] = try JSONDecoder().decode(
                    AvailabilityHistory.Series.self, from: Data(contentsOf: URL(fileURLWithPath: path(service))))
            } catch {
                let aside = path(service) + ".unreadable"
                do {
                    try FileManager.default.moveItem(atPath: path(service), toPath: aside)
                    logger.error("\(service): cannot read its check history (\(error)); kept as \(aside), starting anew")
                } catch let moveError {
                    logger.error("\(service): cannot read its check history (\(error)) nor move it aside (\(moveError))")
                }
            }
        }
        return loaded
    }

    func save(_ history: AvailabilityHistory) {
        for (service, series) in history.snapshot() {
            do {
                try AtomicFile.replace(path(service), with: Array(try JSONEncoder().encode(series)), defaultMode: 0o600)
            } catch {
                logger.error("\(service): cannot save its check history: \(error)")
            }
        }
    }

    /// Saves every `interval` until cancelled, and once more then.
    func keep(_ history: AvailabilityHistory, every interval: Duration = .seconds(60)) async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
            } catch {
                break
            }
            save(history)
        }
        save(history)
    }
}
