import Foundation
import Testing
import VigilCore
import VigilLab
import VigilUpstream

/// Finding 4: an address that injected a `server` block passed `nginx -t` and a forced failover
/// wrote it and said "succeeded". Whatever the values and the template, a rendered file that is
/// not exactly the intended upstream is refused before anything is uploaded.
@Suite struct UpstreamRendererTests {
    private func renderer(primary: String = "127.0.0.1:8081", template: String? = nil, folder: LabFolder) throws -> UpstreamRenderer {
        var path: String?
        if let template {
            try folder.write("upstream.mustache", template)
            path = folder.file("upstream.mustache")
        }
        return try UpstreamRenderer(
            service: "shop", addresses: [.primary: primary, .standby: "127.0.0.1:8082"], balancers: [("shop", path)])
    }

    @Test func theIntendedUpstreamRendersAndPassesItsCheck() throws {
        let folder = try LabFolder(prefix: "render")
        defer { folder.remove() }
        let text = try renderer(folder: folder).text(0, UpstreamLayout(active: .primary, backup: .standby))
        #expect(text.contains("server 127.0.0.1:8081;") && text.contains("server 127.0.0.1:8082 backup;"))
    }

    @Test func anInjectedServerBlockIsRefused() throws {
        let folder = try LabFolder(prefix: "render")
        defer { folder.remove() }
        let injected = try renderer(primary: "127.0.0.1:8081; } server { listen 9999; location / { return 200; } #", folder: folder)
        do {
            _ = try injected.text(0, UpstreamLayout(active: .primary))
            Issue.record("an injected server block was rendered")
        } catch {
            #expect("\(error)".contains("opens the blocks"), "\(error)")
        }
    }

    @Test func aTemplateThatAddsOrDropsServersIsRefused() throws {
        let folder = try LabFolder(prefix: "render")
        defer { folder.remove() }
        let extra = "upstream {{upstream}} {\n{{#servers}}    server {{address}};\n{{/servers}}    server 10.9.9.9:80;\n}\n"
        #expect(throws: UpstreamTemplate.RenderError.self) { try renderer(template: extra, folder: folder).text(0, UpstreamLayout(active: .primary)) }
        let noBackupFlag = "upstream {{upstream}} {\n{{#servers}}    server {{address}};\n{{/servers}}}\n"
        #expect(throws: UpstreamTemplate.RenderError.self) {
            try renderer(template: noBackupFlag, folder: folder).text(0, UpstreamLayout(active: .primary, backup: .standby))
        }
        let renamed = "upstream other {\n{{#servers}}    server {{address}}{{#backup}} backup{{/backup}};\n{{/servers}}}\n"
        #expect(throws: UpstreamTemplate.RenderError.self) {
            try renderer(template: renamed, folder: folder).text(0, UpstreamLayout(active: .primary))
        }
        let unclosed = "upstream {{upstream}} {\n{{#servers}}    server {{address}};\n{{/servers}}\n"
        #expect(throws: UpstreamTemplate.RenderError.self) {
            try renderer(template: unclosed, folder: folder).text(0, UpstreamLayout(active: .primary))
        }
        let tuned =
            "# comment { ;\nupstream {{upstream}} {\n    keepalive 8;\n{{#servers}}    server {{address}} max_fails=2{{#backup}} backup{{/backup}};\n{{/servers}}}\n"
        #expect(try renderer(template: tuned, folder: folder).text(0, UpstreamLayout(active: .primary, backup: .standby)).contains("keepalive 8;"))
    }
}
