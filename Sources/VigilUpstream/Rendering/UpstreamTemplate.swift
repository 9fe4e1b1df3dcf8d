import Mustache

/// Renders an nginx upstream file from a Mustache template (the built-in one, or a service's own).
public struct UpstreamTemplate: Sendable {
    /// The built-in template; `nginx-templates/upstream.conf.mustache` holds the same text.
    public static let builtIn = """
        # Written by Vigil for {{service}}. Do not edit by hand: Vigil compares this file with what it
        # last wrote and warns about a hand edit; its next switch keeps the edited file as the backup.
        upstream {{upstream}} {
        {{#servers}}
            server {{address}}{{#maxFails}} max_fails={{maxFails}}{{/maxFails}}{{#failTimeout}} fail_timeout={{failTimeout}}{{/failTimeout}}{{#weight}} weight={{weight}}{{/weight}}{{#backup}} backup{{/backup}};
        {{/servers}}
        }

        """

    public struct RenderError: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    private let template: MustacheTemplate
    /// Where the template came from, for error messages.
    public let origin: String

    public init(text: String = UpstreamTemplate.builtIn, origin: String = "the built-in upstream template") throws(RenderError) {
        do {
            template = try MustacheTemplate(string: text)
        } catch {
            throw RenderError(description: "\(origin) does not parse: \(error)")
        }
        self.origin = origin
    }

    public func render(service: String, upstream: String, servers: [UpstreamServer]) throws(RenderError) -> String {
        guard !servers.isEmpty else {
            throw RenderError(description: "refusing to render upstream \(upstream) of \(service) with no server")
        }
        guard servers.contains(where: { !$0.backup }) else {
            throw RenderError(description: "refusing to render upstream \(upstream) of \(service) with only backup servers")
        }
        let context: [String: Any] = [
            "service": service, "upstream": upstream,
            "servers": servers.map { server -> [String: Any] in
                var fields: [String: Any] = ["address": server.address, "backup": server.backup]
                if let maxFails = server.maxFails { fields["maxFails"] = maxFails }
                if let failTimeout = server.failTimeout { fields["failTimeout"] = failTimeout }
                if let weight = server.weight { fields["weight"] = weight }
                return fields
            },
        ]
        let text = template.render(context)
        guard servers.allSatisfy({ text.contains($0.address) }) else {
            throw RenderError(description: "\(origin) does not write every server's address; check its {{#servers}} section")
        }
        return text
    }
}
