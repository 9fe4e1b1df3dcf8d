import VigilCore

/// A request that got no HTTP answer. It names the peer as host and port only: a webhook URL's
/// path is a secret and never appears here.
public struct HTTPTransportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong, as a probe would name it.
    public var failure: ProbeFailure
    /// `host:port` of the URL, never its path or query.
    public var peer: String

    /// `host:port: what went wrong`.
    public var description: String { "\(peer): \(failure)" }
}
