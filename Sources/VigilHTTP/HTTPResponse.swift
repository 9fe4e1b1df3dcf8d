import VigilCore

/// The answer to a POST: what a webhook sender needs to decide whether to retry.
public struct HTTPResponse: Equatable, Sendable {
    /// The HTTP status code.
    public var status: Int
    /// Header names lower-cased; a repeated header keeps its last value.
    public var headers: [String: String]
    /// `Retry-After` in seconds or as an HTTP date, turned into a wait.
    public var retryAfter: Duration?
    /// The first bytes of the body (at most the request's `keepBodyBytes`).
    public var bodyPrefix: [UInt8]
    /// libcurl's timings of the request.
    public var timings: ProbeTimings
}
