public struct LoadBalancerDefinition: Sendable {
    public var name: String
    public var host: HostReference
    public var upstreamFile: String
    public var upstreamName: String
    public var testCommand: String
    public var reloadCommand: String
    public var verifyURL: String?
    public var template: String?
}
