import Foundation
import Testing
import VigilLab
import VigilUpstream

@Suite struct UpstreamTemplateTests {
    @Test func theBuiltInTemplateIsTheOneInNginxTemplates() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("nginx-templates/upstream.conf.mustache")
        #expect(try String(contentsOf: file, encoding: .utf8) == UpstreamTemplate.builtIn)
    }

    @Test func theActiveServerComesFirstAndAWarmStandbyIsABackup() throws {
        let text = try UpstreamTemplate().render(
            service: "shop", upstream: "shop_app",
            servers: [
                UpstreamServer(address: "10.0.0.2:8080", maxFails: 1, failTimeout: "5s"),
                UpstreamServer(address: "10.0.0.3:8080", backup: true, maxFails: 1, failTimeout: "5s", weight: 2),
            ])
        #expect(
            text.contains(
                "upstream shop_app {\n    server 10.0.0.2:8080 max_fails=1 fail_timeout=5s;\n"
                    + "    server 10.0.0.3:8080 max_fails=1 fail_timeout=5s weight=2 backup;\n}\n"))
    }

    @Test func anUpstreamWithoutAnActiveServerIsRefused() throws {
        let template = try UpstreamTemplate()
        #expect(throws: UpstreamTemplate.RenderError.self) { try template.render(service: "shop", upstream: "u", servers: []) }
        #expect(throws: UpstreamTemplate.RenderError.self) {
            try template.render(service: "shop", upstream: "u", servers: [UpstreamServer(address: "a:1", backup: true)])
        }
        let forgetful = try UpstreamTemplate(text: "upstream {{upstream}} { }\n", origin: "/etc/vigil/shop.mustache")
        #expect(throws: UpstreamTemplate.RenderError.self) {
            try forgetful.render(service: "shop", upstream: "u", servers: [UpstreamServer(address: "a:1")])
        }
        #expect(throws: UpstreamTemplate.RenderError.self) { try UpstreamTemplate(text: "{{#servers}}", origin: "x") }
    }

    @Test func nginxAcceptsWhatItRenders() async throws {
        try await withLabServer({ try await LabLoadBalancer.start(servers: ["127.0.0.1:9"]) }) { balancer in
            let text = try UpstreamTemplate().render(
                service: "shop", upstream: balancer.upstreamName,
                servers: [
                    UpstreamServer(address: "127.0.0.1:9", maxFails: 1, failTimeout: "5s"),
                    UpstreamServer(address: "127.0.0.1:10", backup: true),
                ])
            try text.write(toFile: balancer.upstreamFile, atomically: true, encoding: .utf8)
            let (status, output) = try await balancer.nginx.test()
            #expect(status == 0, "\(output)")
        }
    }
}
