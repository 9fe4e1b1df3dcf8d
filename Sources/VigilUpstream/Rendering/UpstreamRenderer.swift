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
    /// Checked before it is returned: the file must hold one upstream block, of this name, whose
    /// servers are exactly the intended ones; anything else (a template or a value that injects
    /// more) throws `UpstreamTemplate.RenderError`, so no such file is ever uploaded.
    public func text(_ index: Int, _ layout: UpstreamLayout) throws -> String {
        var servers = [UpstreamServer(address: address(layout.active))]
        if let backup = layout.backup { servers.append(UpstreamServer(address: address(backup), backup: true)) }
        let text = try templates[index].render(service: service, upstream: upstreamNames[index], servers: servers)
        let intended = servers.map { [$0.address] + ($0.backup ? ["backup"] : []) }
        if let problem = Self.problem(in: text, upstream: upstreamNames[index], servers: intended) {
            throw UpstreamTemplate.RenderError(
                description: "the upstream rendered for \(layout) by \(templates[index].origin) \(problem); nothing was written")
        }
        return text
    }

    /// What is wrong with a rendered file, or nil: one `upstream NAME {` block, and `server`
    /// lines naming exactly `servers` (address and the `backup` flag; other parameters such as
    /// `max_fails` are the template's to add).
    static func problem(in text: String, upstream: String, servers: [[String]]) -> String? {
        let parsed = NginxStatements(text)
        guard !parsed.malformed else { return "is not well-formed nginx (an unclosed block, quote or statement)" }
        let blocks = parsed.statements.filter(\.opensBlock).map { $0.words.joined(separator: " ") }
        guard blocks == ["upstream \(upstream)"] else {
            return "opens the blocks [\(blocks.joined(separator: "; "))], not just upstream \(upstream)"
        }
        let rendered = parsed.statements.filter { !$0.opensBlock && $0.words.first == "server" }.map { statement in
            Array(statement.words.dropFirst()).filter { $0 == "backup" || !$0.contains("=") }
        }
        guard rendered == servers else {
            return "names the servers \(rendered.map { $0.joined(separator: " ") }), not \(servers.map { $0.joined(separator: " ") })"
        }
        return nil
    }

    private func address(_ backend: Backend) -> String {
        guard let address = addresses[backend] else { preconditionFailure("no address for \(backend) in \(addresses)") }
        return address
    }
}
