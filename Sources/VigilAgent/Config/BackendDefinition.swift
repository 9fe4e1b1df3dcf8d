import VigilHTTP

public struct BackendDefinition: Sendable {
    /// `host:port` as the upstream names it.
    public var address: String
    public var host: HostReference?
    public var start: String?
    public var stop: String?
    public var probes: [HealthProbe]
}
