import Foundation
import VigilCore

extension Instant {
    /// The agent's instants count from the Unix epoch (see `Agent.wallClockNow`).
    public var date: Date { Date(timeIntervalSince1970: Double(sinceEpoch.wholeMilliseconds) / 1_000) }
}
