import Foundation

/// nginx as the load balancer in front of a service: it proxies `/` to `upstream vigil_app`,
/// which lives in an included file of its own, the file that Vigil rewrites.
public final class LabLoadBalancer: Sendable {
    public let nginx: LabNginx
    public let port: Int
    public let upstreamFile: String
    public let upstreamName = "vigil_app"

    private init(nginx: LabNginx, port: Int, upstreamFile: String) {
        self.nginx = nginx
        self.port = port
        self.upstreamFile = upstreamFile
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    /// Starts nginx with the upstream pointing at `servers` (`host:port` each; the first is the
    /// active one, the rest `backup`). With `owner`, nginx runs as that user (see `LabNginx`).
    public static func start(servers: [String], owner: (name: String, uid: uid_t, gid: gid_t)? = nil) async throws -> LabLoadBalancer {
        var lastError: (any Error)?
        for _ in 0..<5 {
            let folder = try LabFolder(prefix: "nginx")
            let port = try FreePort.pick()
            let upstreamFile = folder.file("upstream.conf")
            try folder.write("upstream.conf", upstreamBlock(servers: servers))
            do {
                let nginx = try await LabNginx.start(
                    folder: folder,
                    httpBlock: """
                            include \(upstreamFile);
                            server {
                                listen 127.0.0.1:\(port);
                                location / {
                                    proxy_pass http://vigil_app;
                                    proxy_connect_timeout 1s;
                                    proxy_read_timeout 5s;
                                    # A failed or refusing server's request goes to the backup, as a
                                    # warm standby setup configures it.
                                    proxy_next_upstream error timeout http_500 http_502 http_503 http_504;
                                }
                            }
                        """, ports: [port], owner: owner)
                return LabLoadBalancer(nginx: nginx, port: port, upstreamFile: upstreamFile)
            } catch {
                lastError = error  // most often another program took the port first: try another
                folder.remove()
            }
        }
        throw lastError ?? LabError.timedOut("nginx to start")
    }

    public static func upstreamBlock(servers: [String]) -> String {
        let lines = servers.enumerated().map { index, server in
            "    server \(server)\(index == 0 ? "" : " backup");"
        }
        return "upstream vigil_app {\n\(lines.joined(separator: "\n"))\n}\n"
    }

    public func stop() { nginx.stop() }
}
