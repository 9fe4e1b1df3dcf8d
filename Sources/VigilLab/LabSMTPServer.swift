import Foundation

/// A real SMTP server on loopback: Debian's aiosmtpd, run by a small script of the lab's that
/// offers STARTTLS (or TLS from the start) with the lab's certificate, wants a login when asked,
/// answers each mail's data with the next queued reply (then 250), and keeps every mail it
/// accepted or refused as JSON, parsed by Python's own email package.
public final class LabSMTPServer: Sendable {
    /// One mail as the server saw it.
    public struct ReceivedMail: Sendable, Decodable {
        public var mailFrom: String
        public var recipients: [String]
        /// Whether the connection was TLS when the data came (STARTTLS, or smtps).
        public var tls: Bool
        /// The login it authenticated with, if any.
        public var login: String?
        /// The reply it gave to the data (250 when accepted).
        public var reply: String
        /// Headers in order, decoded (RFC 2047 words become text).
        public var headers: [[String]]
        public var text: String?
        public var html: String?

        public func header(_ name: String) -> String? { headers.first { $0[0].lowercased() == name.lowercased() }?[1] }

        enum CodingKeys: String, CodingKey {
            case tls, login, reply, headers, text, html, recipients
            case mailFrom = "mail_from"
        }
    }

    public enum Security: Sendable {
        /// Plain, STARTTLS offered and required before MAIL.
        case startTLS
        /// TLS from the first byte (smtps).
        case implicitTLS
        /// Plain, no TLS offered.
        case none
    }

    public static let moduleFile = "/usr/lib/python3/dist-packages/aiosmtpd/__init__.py"

    public let port: Int
    private let folder: LabFolder
    private let process: LabProcess

    private init(port: Int, folder: LabFolder, process: LabProcess) {
        self.port = port
        self.folder = folder
        self.process = process
    }

    /// - Parameter login: the user and password it wants (AUTH required when set).
    public static func start(
        certificates: LabCertificates, security: Security = .startTLS, login: (user: String, password: String)? = nil
    ) async throws -> LabSMTPServer {
        try LabProcess.require("/usr/bin/python3", package: "python3")
        guard FileManager.default.fileExists(atPath: moduleFile) else { throw LabError.missingProgram(moduleFile, package: "python3-aiosmtpd") }
        let folder = try LabFolder(prefix: "smtp")
        try FileManager.default.createDirectory(atPath: folder.file("mail"), withIntermediateDirectories: true)
        try folder.write("server.py", script)
        try folder.write("replies", "")
        let port = try FreePort.pick()
        var arguments = [
            "-u", folder.file("server.py"), String(port), folder.path, certificates.good.certificate, certificates.good.key,
            "\(security)",
        ]
        if let login { arguments += [login.user, login.password] }
        let process = try LabProcess.launch("/usr/bin/python3", arguments, name: "smtp", log: folder.file("server.log"))
        let server = LabSMTPServer(port: port, folder: folder, process: process)
        do {
            try await LabWait.until("the SMTP server to listen on \(port)", timeout: .seconds(20)) {
                guard process.isRunning else { throw LabError.notReady("the SMTP server", log: folder.read("server.log")) }
                return FreePort.isListening(port)
            }
        } catch {
            await server.stop()
            throw error
        }
        return server
    }

    public func url(scheme: String = "smtp") -> String { "\(scheme)://127.0.0.1:\(port)" }

    /// Answers the next mails' data with these replies, once each, in order (then 250).
    public func queueReplies(_ replies: [String]) throws {
        let earlier = folder.read("replies")
        try folder.write("replies", earlier + replies.map { $0 + "\n" }.joined())
    }

    /// Every mail so far, in the order received (a record that cannot be read fails the test with why).
    public func mails() throws -> [ReceivedMail] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.file("mail")).filter { $0.hasSuffix(".json") }
        return try names.sorted().map { name in
            try JSONDecoder().decode(ReceivedMail.self, from: Data(contentsOf: URL(fileURLWithPath: folder.file("mail/\(name)"))))
        }
    }

    public var log: String { folder.read("server.log") }

    /// Waits until `count` mails arrived (accepted or refused).
    @discardableResult
    public func waitForMails(_ count: Int, timeout: Duration = .seconds(15)) async throws -> [ReceivedMail] {
        try await LabWait.until("\(count) mail(s) at the SMTP server", timeout: timeout) { try mails().count >= count }
        return try mails()
    }

    public func stop() async {
        process.terminate()
        folder.remove()
    }

    static let script = #"""
        import asyncio, email, email.policy, json, os, ssl, sys, time
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        port, folder, cert, key, security = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
        login = (sys.argv[6], sys.argv[7]) if len(sys.argv) > 7 else None
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        counter = [0]

        def authenticate(server, session, envelope, mechanism, data):
            user, password = data.login.decode(), data.password.decode()
            if login and (user, password) == login:
                return AuthResult(success=True, auth_data=user)
            return AuthResult(success=False, handled=False)

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                path = os.path.join(folder, "replies")
                with open(path) as f:
                    lines = f.read().splitlines()
                reply = lines[0] if lines else "250 OK"
                with open(path + ".new", "w") as f:
                    f.write("".join(line + "\n" for line in lines[1:]))
                os.replace(path + ".new", path)
                message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
                record = {
                    "mail_from": envelope.mail_from, "recipients": envelope.rcpt_tos,
                    "tls": session.ssl is not None or security == "implicitTLS",
                    "login": session.auth_data if session.authenticated else None, "reply": reply,
                    "headers": [[name, str(value)] for name, value in message.items()],
                    "text": None, "html": None,
                }
                for part in message.walk():
                    if part.get_content_type() == "text/plain": record["text"] = part.get_content()
                    if part.get_content_type() == "text/html": record["html"] = part.get_content()
                counter[0] += 1
                name = os.path.join(folder, "mail", "%06d.json" % counter[0])
                with open(name + ".new", "w") as f:
                    json.dump(record, f)
                os.replace(name + ".new", name)
                return reply

        # aiosmtpd does not count TLS from the first byte as TLS for AUTH; STARTTLS it does.
        options = dict(authenticator=authenticate, auth_required=login is not None, auth_require_tls=security == "startTLS")
        if security == "startTLS":
            options.update(tls_context=context, require_starttls=True)
        controller = Controller(
            Handler(), hostname="127.0.0.1", port=port, server_hostname="lab-smtp",
            ssl_context=context if security == "implicitTLS" else None, **options)
        controller.start()
        print("listening on", port, flush=True)
        try:
            while True:
                time.sleep(3600)
        finally:
            controller.stop()
        """#
}
