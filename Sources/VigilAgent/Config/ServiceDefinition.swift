import VigilCore

public struct ServiceDefinition: Sendable {
    public var core: ServiceConfig
    public var primary: BackendDefinition
    public var standby: BackendDefinition
    public var loadBalancers: [LoadBalancerDefinition]
    public var preHook: String?
    public var postHook: String?
    public var hookHost: HostReference
    public var notify: [String]

    public func backend(_ backend: Backend) -> BackendDefinition {
        switch backend {
        case .primary: primary
        case .standby: standby
        }
    }
}
