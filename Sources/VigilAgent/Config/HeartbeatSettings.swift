import VigilNotify

/// `heartbeat:` — a dead man's switch for Vigil itself: the URL is requested every `interval`
/// while every service is watched and protected, the fail URL while one is not; an outside
/// monitor (healthchecks.io, an Uptime Kuma push monitor, Cronitor) notices when the pings stop.
public struct HeartbeatSettings: Sendable {
    /// Secrets: the URL carries the monitor's token.
    public var url: Secret
    public var failURL: Secret
    public var interval: Duration = .seconds(60)
}
