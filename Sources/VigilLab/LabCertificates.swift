/// Certificates the lab makes with `openssl`: a lab CA and, for 127.0.0.1, a good server
/// certificate, a self-signed one, an expired one, one for the wrong name, and a client certificate.
public struct LabCertificates: Sendable {
    public struct Pair: Sendable {
        public let certificate: String
        public let key: String
    }

    public let folder: LabFolder
    public let caCertificate: String
    public let good: Pair
    public let selfSigned: Pair
    public let expired: Pair
    public let wrongName: Pair
    public let client: Pair

    static let openssl = "/usr/bin/openssl"

    public static func make(in folder: LabFolder) async throws -> LabCertificates {
        try LabProcess.require(openssl, package: "openssl")
        try folder.write(
            "ca.cnf",
            """
            [ ca ]
            default_ca = lab
            [ lab ]
            dir = \(folder.path)
            database = \(folder.file("index.txt"))
            new_certs_dir = \(folder.path)
            serial = \(folder.file("serial"))
            default_md = sha256
            policy = anything
            copy_extensions = none
            unique_subject = no
            [ anything ]
            commonName = supplied
            [ server ]
            subjectAltName = IP:127.0.0.1, IP:::1, DNS:localhost
            extendedKeyUsage = serverAuth
            [ wrong_name ]
            subjectAltName = DNS:wrong.example
            extendedKeyUsage = serverAuth
            [ client ]
            extendedKeyUsage = clientAuth
            """)
        try folder.write("index.txt", "")
        try folder.write("serial", "1000\n")
        let caKey = folder.file("ca.key")
        let caCertificate = folder.file("ca.crt")
        try await run([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", caKey, "-out", caCertificate, "-days", "3650", "-subj", "/CN=Vigil Lab CA",
        ])

        func signed(_ name: String, extensions: String, dates: [String]) async throws -> Pair {
            let pair = Pair(certificate: folder.file("\(name).crt"), key: folder.file("\(name).key"))
            try await run([
                "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", pair.key, "-out", folder.file("\(name).csr"), "-subj", "/CN=\(name)",
            ])
            try await run(
                [
                    "ca", "-batch", "-notext", "-config", folder.file("ca.cnf"), "-cert", caCertificate,
                    "-keyfile", caKey, "-in", folder.file("\(name).csr"), "-out", pair.certificate,
                    "-extensions", extensions,
                ] + dates)
            return pair
        }
        let good = try await signed("good", extensions: "server", dates: ["-days", "365"])
        let expired = try await signed(
            "expired", extensions: "server",
            dates: ["-startdate", "20200101000000Z", "-enddate", "20200102000000Z"])
        let wrongName = try await signed("wrong-name", extensions: "wrong_name", dates: ["-days", "365"])
        let client = try await signed("client", extensions: "client", dates: ["-days", "365"])
        let selfSigned = Pair(certificate: folder.file("self-signed.crt"), key: folder.file("self-signed.key"))
        try await run([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", selfSigned.key, "-out", selfSigned.certificate, "-days", "365",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ])
        return LabCertificates(
            folder: folder, caCertificate: caCertificate, good: good, selfSigned: selfSigned,
            expired: expired, wrongName: wrongName, client: client)
    }

    private static func run(_ arguments: [String]) async throws {
        try await LabProcess.run(openssl, arguments, timeout: .seconds(30))
    }
}
