import Foundation

/// One message waiting for one channel, as written to disk before any attempt to send it.
struct OutboxEntry: Codable, Equatable, Sendable {
    var eventID: String
    var channel: String
    /// Unix time of enqueueing, for the give-up age (wall clock: it must survive restarts).
    var createdAt: Double
    var body: Data
}
