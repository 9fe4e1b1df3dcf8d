import Foundation
import VigilCore

/// Renders a service's upstream file for each of its load balancers, with the template each one
/// names (or the built-in one).
public struct UpstreamRenderer: Sendable {
    let service: String
    let addresses: [Backend: String]
    let upstreamNames: [String]
    let templates: [UpstreamTemplate]

    /// Reads and compiles every template; a missing or broken one is an error naming its file.
    /// - Parameters:
    ///   - service: the service's name, as templates see it.
    ///   - addresses: each backend's `host:port`, as the upstream names it.
    ///   - balancers: per load balancer, in order, the name of its upstream block and its template
    ///     file (nil: the built-in template).
    public init(service: String, addresses: [Backend: String], balancers: [(upstreamName: String, template: String?)]) throws {
        self.service = service
        self.addresses = addresses
        upstreamNames = balancers.map(\.upstreamName)
        templates = try balancers.map { balancer in
            guard let path = balancer.template else { return try UpstreamTemplate() }
            let text = try String(contentsOfFile: path, encoding: .utf8)
            return try UpstreamTemplate(text: text, origin: path)
        }
    }

    /// The file that makes `layout` true on load balancer `index`.
    public func text(_ index: Int, _ layout: UpstreamLayout) throws -> String {
        var servers = [UpstreamServer(address: address(layout.active))]
        if let backup = layout.backup { servers.append(UpstreamServer(address: address(backup), backup: true)) }
        return try templates[index].render(service: service, upstream: upstreamNames[index], servers: servers)
    }

    private func address(_ backend: Backend) -> String {
        guard let address = addresses[backend] else { preconditionFailure("no address for \(backend) in \(addresses)") }
        return address
    }
}
