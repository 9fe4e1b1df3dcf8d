import Foundation
import VigilCore

/// The latest result of one health check, as the status page and `/status.json` show it.
public struct CheckRecord: Sendable, Equatable {
    /// The URL without credentials or query.
    public var url: String
    public var outcome: ProbeOutcome
    /// How long the check took, measured around it (failures included).
    public var seconds: Double
    public var at: Date
}
