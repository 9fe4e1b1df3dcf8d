/// One `server` line of an upstream.
public struct UpstreamServer: Equatable, Sendable {
    public var address: String
    public var backup: Bool
    public var maxFails: Int?
    public var failTimeout: String?
    public var weight: Int?

    public init(address: String, backup: Bool = false, maxFails: Int? = nil, failTimeout: String? = nil, weight: Int? = nil) {
        self.address = address
        self.backup = backup
        self.maxFails = maxFails
        self.failTimeout = failTimeout
        self.weight = weight
    }
}
