import Foundation
import Testing
import VigilCore
import VigilLab
import VigilNotify

/// Email channels against a real SMTP server on loopback (aiosmtpd): STARTTLS verified with the
/// lab's CA, AUTH, several recipients, both alternatives, an incident's mails threaded, SMTP
/// 4xx retried and 5xx dropped; the password in no log line.
@Suite(.serialized) struct MailDeliveryTests {
    static let canary = "canary-7be3f019"
    static let login = (user: "vigil", password: "password-\(canary)")
    let harness: NotifierHarness
    let certificateFolder: LabFolder
    var state: LabFolder { harness.state }
    var recorder: LogRecorder { harness.recorder }

    init() throws {
        harness = try NotifierHarness(canary: Self.canary)
        certificateFolder = try LabFolder(prefix: "mail-ca")
    }

    private func channel(_ server: LabSMTPServer, certificates: LabCertificates, scheme: String = "smtp") -> NotificationChannel {
        var channel = NotificationChannel(name: "mail", kind: .email, url: Secret(server.url(scheme: scheme)))
        channel.mail = MailSettings(
            from: "Vigil on lb-1 <vigil@example.com>", to: ["ops@example.com", "lead@example.com"], replyTo: "oncall@example.com",
            username: Self.login.user, password: Secret(Self.login.password))
        channel.tls.caFile = certificates.caCertificate
        return channel
    }

    private func notifier(_ channel: NotificationChannel) throws -> Notifier { try harness.notifier([channel]) }

    private func finish(_ notifier: Notifier) async {
        await harness.finish(notifier)
        certificateFolder.remove()
    }

    @Test func anIncidentsMailsArriveOverStartTLSLoggedInAndThreaded() async throws {
        let certificates = try await LabCertificates.make(in: certificateFolder)
        try await withLabServer({ try await LabSMTPServer.start(certificates: certificates, login: Self.login) }) { server in
            let notifier = try notifier(channel(server, certificates: certificates))
            notifier.start()
            var update = NotificationFixtures.message(.incidentUpdate)
            update.reason = "primary <b>still</b> down & \"unreachable\""
            try notifier.enqueue(NotificationFixtures.message(.incidentStarted), to: ["mail"])
            try notifier.enqueue(update, to: ["mail"])
            let mails = try await server.waitForMails(2)
            let (first, second) = (mails[0], mails[1])
            for mail in mails {
                #expect(mail.tls, "the data went over TLS (STARTTLS)")
                #expect(mail.login == "vigil")
                #expect(mail.mailFrom == "vigil@example.com")
                #expect(mail.recipients == ["ops@example.com", "lead@example.com"])
                #expect(mail.header("From") == "Vigil on lb-1 <vigil@example.com>")
                #expect(mail.header("To") == "ops@example.com, lead@example.com")
                #expect(mail.header("Reply-To") == "oncall@example.com")
                #expect(mail.header("Auto-Submitted") == "auto-generated")
                #expect(mail.header("Date") != nil)
            }
            #expect(first.header("Subject") == "shop: failing over from primary to standby")
            #expect(first.text?.contains("Vigil is moving traffic from primary to standby") == true)
            #expect(first.html?.contains("<h2") == true)
            let root = try #require(first.header("Message-ID"))
            #expect(root.hasPrefix("<incident.shop.shop-7.") && root.hasSuffix("@lb-1>"))
            #expect(second.header("Message-ID") != root)
            #expect(second.header("In-Reply-To") == root && second.header("References") == root, "threaded under the first")
            #expect(second.text?.contains("primary <b>still</b> down & \"unreachable\"") == true, "plain text as is")
            #expect(second.html?.contains("primary &lt;b&gt;still&lt;/b&gt; down &amp; &quot;unreachable&quot;") == true, "HTML escaped")
            try await LabWait.until("the outbox to empty") { notifier.pendingCount(channel: "mail") == 0 }
            await finish(notifier)
        }
    }

    @Test func aTemporaryRefusalIsRetriedAndAPermanentOneDropped() async throws {
        let certificates = try await LabCertificates.make(in: certificateFolder)
        try await withLabServer({ try await LabSMTPServer.start(certificates: certificates, login: Self.login) }) { server in
            try server.queueReplies(["451 4.3.0 try again later", "550 5.7.1 not accepted"])
            let notifier = try notifier(channel(server, certificates: certificates))
            notifier.start()
            try notifier.enqueue(NotificationFixtures.message(.hostUnreachable), to: ["mail"])
            try notifier.enqueue(NotificationFixtures.message(.hostReachable), to: ["mail"])
            let mails = try await server.waitForMails(3)
            #expect(mails.map { String($0.reply.prefix(3)) } == ["451", "550", "250"])
            #expect(mails[0].header("Message-ID") == mails[1].header("Message-ID"), "the same mail again after the 451")
            #expect(mails[2].header("Subject") == "shop: the host answers again", "the refused one is dropped, the next goes on")
            try await LabWait.until("the outbox to empty") { notifier.pendingCount(channel: "mail") == 0 }
            #expect(recorder.all.contains { $0.contains("SMTP reply 451") }, "the retry is logged")
            #expect(recorder.all.contains { $0.contains("refused it with SMTP reply 550") }, "the drop is logged")
            await finish(notifier)
        }
    }

    @Test func aServerWithoutStartTLSGetsNothingWhileItIsRequired() async throws {
        let certificates = try await LabCertificates.make(in: certificateFolder)
        try await withLabServer({ try await LabSMTPServer.start(certificates: certificates, security: .none) }) { server in
            var plain = channel(server, certificates: certificates)
            plain.mail?.username = nil
            plain.mail?.password = nil
            let notifier = try notifier(plain)
            let results = await notifier.sendTest(to: ["mail"], at: .zero)
            #expect(results.count == 1 && !results[0].delivered)
            #expect(results[0].result.lowercased().contains("ssl") || results[0].result.lowercased().contains("tls"), "\(results)")
            #expect(try server.mails().isEmpty, "nothing was sent in the clear")
            plain.mail?.requireStartTLS = false
            let allowed = try Notifier(stateDirectory: state.path, channels: [plain], agentHost: "lb-1", logger: recorder.logger())
            #expect(await allowed.sendTest(to: ["mail"], at: .zero).first?.delivered == true, "starttls: false sends in the clear")
            #expect(try await server.waitForMails(1).first?.tls == false)
            await finish(notifier)
        }
    }

    @Test func smtpsIsTLSFromTheFirstByteAndAWrongPasswordIsRefused() async throws {
        let certificates = try await LabCertificates.make(in: certificateFolder)
        try await withLabServer({ try await LabSMTPServer.start(certificates: certificates, security: .implicitTLS, login: Self.login) }) {
            server in
            let secure = channel(server, certificates: certificates, scheme: "smtps")
            let notifier = try notifier(secure)
            let sent = try #require(await notifier.sendTest(to: ["mail"], at: .zero).first)
            #expect(sent.delivered, "\(sent.result); the server's log: \(server.log)")
            #expect(try await server.waitForMails(1).first?.tls == true)
            #expect(await notifier.unreachableChannels(["mail"]).isEmpty, "the preflight reaches a mail server too")
            var wrong = secure
            wrong.mail?.password = Secret("wrong-\(Self.canary)")
            let refused = try Notifier(stateDirectory: state.path, channels: [wrong], agentHost: "lb-1", logger: recorder.logger())
            let result = try #require(await refused.sendTest(to: ["mail"], at: .zero).first)
            #expect(!result.delivered && result.result.contains("535"), "\(result.result)")
            #expect(!result.result.contains(Self.canary))
            await finish(notifier)
        }
    }
}
