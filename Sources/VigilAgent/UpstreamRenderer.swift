import VigilCore
import VigilTemplates

/// Renders a service's upstream file for each of its load balancers, with the template each one
/// names (or the built-in one).
public struct UpstreamRenderer: Sendable {
    let service: ServiceDefinition
    let templates: [UpstreamTemplate]

    /// Reads and compiles every template; a missing or broken one is an error naming its file.
    public init(service: ServiceDefinition) throws {
        self.service = service
        templates = try service.loadBalancers.map { balancer in
            guard let path = balancer.template else { return try UpstreamTemplate() }
            let text = try String(contentsOfFile: path, encoding: .utf8)
            return try UpstreamTemplate(text: text, origin: path)
        }
    }

    /// The file that makes `layout` true on load balancer `index`.
    public func text(_ index: Int, _ layout: UpstreamLayout) throws -> String {
        var servers = [UpstreamServer(address: service.backend(layout.active).address)]
        if let backup = layout.backup { servers.append(UpstreamServer(address: service.backend(backup).address, backup: true)) }
        return try templates[index].render(service: service.core.name, upstream: service.loadBalancers[index].upstreamName,
                                           servers: servers)
    }

    /// What Vigil writes when `active` serves: a warm standby rides along as nginx `backup`
    /// behind the primary (while its checks pass).
    public func layout(active: Backend) -> UpstreamLayout {
        UpstreamLayout(active: active, backup: active == .primary && service.core.standbyMode == .warm ? .standby : nil)
    }
}
