import VigilCore

/// One HTTP health check, as a value: what to ask, what counts as healthy, and how long to wait.
public struct HealthProbe: Equatable, Sendable {
    /// The request method of a check.
    public enum Method: String, Equatable, Sendable {
        case get = "GET"
        case head = "HEAD"
    }

    /// The URL checked.
    public var url: String
    /// GET or HEAD.
    public var method: Method
    /// Extra request headers, as `Name: value` pairs.
    public var headers: [(name: String, value: String)]
    /// The statuses that count as healthy; 2xx by default. Redirects are not followed.
    public var expectedStatuses: [ClosedRange<Int>]
    /// What the body must contain, if anything.
    public var body: BodyExpectation?
    /// How long connecting may take.
    public var connectTimeout: Duration
    /// How long the whole request may take.
    public var timeout: Duration
    /// Bodies longer than this are cut there and reported as `tooLarge`, never buffered whole.
    public var maxBodyBytes: Int
    /// An answer slower than this counts as a failure (`tooSlow`).
    public var latencyCeiling: Duration?
    /// How the peer is verified.
    public var tls: TLSOptions
    /// A new connection for this probe, closed after it: what a check of a reload needs, since a
    /// kept-alive connection may still be served by a worker with the old config.
    public var freshConnection: Bool

    /// A check of `url` with the given limits; every default is safe (TLS verified, short deadlines).
    public init(
        url: String,
        method: Method = .get,
        headers: [(name: String, value: String)] = [],
        expectedStatuses: [ClosedRange<Int>] = [200...299],
        body: BodyExpectation? = nil,
        connectTimeout: Duration = .seconds(1),
        timeout: Duration = .seconds(2),
        maxBodyBytes: Int = 64 * 1024,
        latencyCeiling: Duration? = nil,
        tls: TLSOptions = TLSOptions(),
        freshConnection: Bool = false
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.expectedStatuses = expectedStatuses
        self.body = body
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.maxBodyBytes = maxBodyBytes
        self.latencyCeiling = latencyCeiling
        self.tls = tls
        self.freshConnection = freshConnection
    }

    /// Two checks are equal when every setting is.
    public static func == (lhs: HealthProbe, rhs: HealthProbe) -> Bool {
        lhs.url == rhs.url && lhs.method == rhs.method
            && lhs.headers.map { [$0.name, $0.value] } == rhs.headers.map { [$0.name, $0.value] }
            && lhs.expectedStatuses == rhs.expectedStatuses && lhs.body == rhs.body
            && lhs.connectTimeout == rhs.connectTimeout && lhs.timeout == rhs.timeout
            && lhs.maxBodyBytes == rhs.maxBodyBytes && lhs.latencyCeiling == rhs.latencyCeiling
            && lhs.tls == rhs.tls && lhs.freshConnection == rhs.freshConnection
    }
}
