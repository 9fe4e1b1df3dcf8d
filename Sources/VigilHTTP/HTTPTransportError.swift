import VigilCore

/// A request that got no HTTP answer. It names the peer as host and port only: a webhook URL's
/// path is a secret and never appears here.
public struct HTTPTransportError: Error, Equatable, Sendable, CustomStringConvertible {
    public var failure: ProbeFailure
    public var peer: String

    public var description: String { "\(peer): \(failure)" }
}
