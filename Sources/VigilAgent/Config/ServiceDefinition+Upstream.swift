import VigilCore
import VigilUpstream

extension ServiceDefinition {
    /// The renderer of this service's upstream files, one template a load balancer.
    public func upstreamRenderer() throws -> UpstreamRenderer {
        try UpstreamRenderer(
            service: core.name, addresses: [.primary: primary.address, .standby: standby.address],
            balancers: loadBalancers.map { ($0.upstreamName, $0.template) })
    }

    /// What Vigil writes when `active` serves: a warm standby rides along as nginx `backup`
    /// behind the primary (while its checks pass).
    public func layout(active: Backend) -> UpstreamLayout {
        UpstreamLayout(active: active, backup: active == .primary && core.standbyMode == .warm ? .standby : nil)
    }
}
