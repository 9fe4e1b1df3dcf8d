/// nginx serving `/health` over TLS on one port per certificate: good, self-signed, expired,
/// wrong name, and one that demands a client certificate signed by the lab CA.
public final class LabTLSEndpoint: Sendable {
    public let nginx: LabNginx
    public let certificates: LabCertificates
    public let goodPort: Int
    public let selfSignedPort: Int
    public let expiredPort: Int
    public let wrongNamePort: Int
    public let clientCertificatePort: Int

    private init(nginx: LabNginx, certificates: LabCertificates, ports: [Int]) {
        self.nginx = nginx
        self.certificates = certificates
        goodPort = ports[0]
        selfSignedPort = ports[1]
        expiredPort = ports[2]
        wrongNamePort = ports[3]
        clientCertificatePort = ports[4]
    }

    public func url(port: Int) -> String { "https://127.0.0.1:\(port)/health" }

    public static func start() async throws -> LabTLSEndpoint {
        var lastError: (any Error)?
        for _ in 0..<5 {
            let folder = try LabFolder(prefix: "tls")
            do {
                let certificates = try await LabCertificates.make(in: folder)
                let ports = try (0..<5).map { _ in try FreePort.pick() }
                func server(_ port: Int, _ pair: LabCertificates.Pair, extra: String = "") -> String {
                    """
                        server {
                            listen 127.0.0.1:\(port) ssl;
                            ssl_certificate \(pair.certificate);
                            ssl_certificate_key \(pair.key);
                            \(extra)
                            location /health { default_type application/json; return 200 '{"status":"ok"}'; }
                        }
                    """
                }
                let block = [
                    server(ports[0], certificates.good),
                    server(ports[1], certificates.selfSigned),
                    server(ports[2], certificates.expired),
                    server(ports[3], certificates.wrongName),
                    server(
                        ports[4], certificates.good,
                        extra: "ssl_client_certificate \(certificates.caCertificate); ssl_verify_client on;"),
                ].joined(separator: "\n")
                let nginx = try await LabNginx.start(folder: folder, httpBlock: block, ports: ports)
                return LabTLSEndpoint(nginx: nginx, certificates: certificates, ports: ports)
            } catch {
                lastError = error
                folder.remove()
            }
        }
        throw lastError ?? LabError.timedOut("the TLS endpoint to start")
    }

    public func stop() { nginx.stop() }
}
