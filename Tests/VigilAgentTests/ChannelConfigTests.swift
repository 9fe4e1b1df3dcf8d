import Foundation
import Testing
import VigilAgent
import VigilCore
import VigilNotify

/// The channel types and routing as the config reads them: each type's keys, its secrets from
/// the environment, its endpoint, and errors that name the place and never the secret.
@Suite struct ChannelConfigTests {
    let environment = ["PD_KEY": "pd-canary-31", "TG_TOKEN": "123456:tg-canary-32", "SMTP_PASSWORD": "smtp-canary-33"]

    static let channels = """
        channels:
          pager:
            type: pagerduty
            routing_key_env: PD_KEY
            min_severity: error
          tg:
            type: telegram
            token_env: TG_TOKEN
            chat_id: "-1001234567890"
            api_url: http://127.0.0.1:8099/
          teams:
            type: teams
            url: https://example.webhook.office.com/workflows/1
            kinds: [incidentStarted, runbookFailed]
          mail:
            type: email
            url: smtp://mail.example.com:587
            from: Vigil <vigil@example.com>
            to: [ops@example.com, lead@example.com]
            reply_to: ops@example.com
            username: vigil
            password_env: SMTP_PASSWORD
            ca_file: /etc/ssl/certs/ca-certificates.crt

        """

    private func parse(_ text: String) throws -> AgentConfig { try ConfigTests.parse(text, environment: environment) }
    private func failure(_ text: String) -> String { ConfigTests.failure(text, environment: environment) }

    @Test func eachTypeIsReadWithItsEndpointSecretsAndFilter() throws {
        let config = try parse(Self.channels + ConfigTests.minimal)
        let byName = Dictionary(uniqueKeysWithValues: config.channels.map { ($0.name, $0) })
        let pager = try #require(byName["pager"])
        #expect(pager.url.exposed == "https://events.pagerduty.com/v2/enqueue" && pager.routingKey?.exposed == "pd-canary-31")
        #expect(pager.filter == MessageFilter(minimumSeverity: .error))
        let telegram = try #require(byName["tg"])
        #expect(telegram.url.exposed == "http://127.0.0.1:8099/bot123456:tg-canary-32/sendMessage")
        #expect(telegram.chatID == "-1001234567890")
        #expect(byName["teams"]?.filter.kinds == [.incidentStarted, .runbookFailed])
        let mail = try #require(byName["mail"]?.mail)
        #expect(mail.senderAddress == "vigil@example.com" && mail.to == ["ops@example.com", "lead@example.com"])
        #expect(mail.password?.exposed == "smtp-canary-33" && mail.requireStartTLS, "STARTTLS is required unless turned off")
        #expect(byName["mail"]?.tls.caFile == "/etc/ssl/certs/ca-certificates.crt")
    }

    @Test func aServiceCanNarrowWhatAChannelGets() throws {
        let text = Self.channels + ConfigTests.minimal + "\n    notify:\n      - mail\n      - {channel: pager, min_severity: critical}\n"
        let routes = try parse(text).services[0].notify
        #expect(routes == [NotifyRoute(channel: "mail"), NotifyRoute(channel: "pager", filter: MessageFilter(minimumSeverity: .critical))])
        let twice = Self.channels + ConfigTests.minimal + "\n    notify: [mail, {channel: mail}]\n"
        #expect(failure(twice).contains("services.shop.notify[1].channel: mail is listed twice"), "\(failure(twice))")
        let unknown = Self.channels + ConfigTests.minimal + "\n    notify: [{channel: pager, min_severity: loud}]\n"
        #expect(failure(unknown).contains("min_severity: expected info, warning, error, critical"), "\(failure(unknown))")
    }

    @Test func escalationStepsAreReadInOrderAndNameKnownChannels() throws {
        let steps = "\n    escalate:\n      - {after: 10m, to: [pager]}\n      - {after: 30m, to: [mail, tg]}\n"
        let escalation = try parse(Self.channels + ConfigTests.minimal + steps).services[0]
        #expect(
            escalation.core.escalation == [
                EscalationStep(after: .seconds(600), channels: ["pager"]), EscalationStep(after: .seconds(1_800), channels: ["mail", "tg"]),
            ])
        #expect(escalation.channelNames == ["pager", "mail", "tg"], "their secrets are loaded and their reach checked")
        let backwards = "\n    escalate:\n      - {after: 30m, to: [pager]}\n      - {after: 10m, to: [mail]}\n"
        #expect(failure(Self.channels + ConfigTests.minimal + backwards).contains("escalate[1].after: each step comes after the one before it"))
        let unknown = "\n    escalate:\n      - {after: 10m, to: [nobody]}\n"
        #expect(failure(Self.channels + ConfigTests.minimal + unknown).contains("escalate[0].to[0]: no channel named nobody"))
    }

    @Test func mistakesAreNamedAtTheirPlaceWithoutTheSecret() {
        let cases: [(String, String)] = [
            (
                "  x:\n    type: sms\n    url: https://a.example/\n",
                "channels.x.type: unknown channel type (slack, discord, webhook, pagerduty, email, teams, telegram)"
            ),
            (
                "  x:\n    type: pagerduty\n    url: https://a.example/\n",
                "channels.x.url: url is not a key of a pagerduty channel (only of slack, discord, webhook, email, teams)"
            ),
            ("  x:\n    type: pagerduty\n", "missing routing_key (or routing_key_file, routing_key_env)"),
            ("  x:\n    type: telegram\n    token_env: TG_TOKEN\n", "channels.x.chat_id: missing"),
            ("  x:\n    type: email\n    url: https://mail.example/\n    from: a@b.c\n    to: x@y.z\n", "expected an smtp:// or smtps:// URL"),
            (
                "  x:\n    type: email\n    url: smtp://mail.example\n    from: a@b.c\n    to: [not an address]\n",
                "channels.x.to[0]: expected an address"
            ),
            (
                "  x:\n    type: email\n    url: smtp://mail.example\n    from: a@b.c\n    to: x@y.z\n    password_env: SMTP_PASSWORD\n",
                "a password needs a username"
            ),
            ("  x:\n    type: slack\n    url: https://a.example/\n    kinds: [everything]\n", "channels.x.kinds[0]: unknown message kind"),
        ]
        for (channel, expected) in cases {
            let said = failure("channels:\n" + channel + ConfigTests.minimal)
            #expect(said.contains(expected), "\(said)")
            #expect(!said.contains("canary"), "\(said)")
        }
        let token = failure("channels:\n  x:\n    type: telegram\n    token: \"12/../x\"\n    chat_id: \"1\"\n" + ConfigTests.minimal)
        #expect(token.contains("a Telegram bot token is letters, digits") && !token.contains("12/../x"), "\(token)")
    }
}

extension ChannelConfigTests {
    @Test func maintenanceWindowsAreReadFromTheConfig() throws {
        let text =
            ConfigTests.minimal
            + "\nmaintenance:\n  - {start: \"2026-12-08 02:00\", duration: 2h, services: [shop], reason: db upgrade, public_text: Faster checkout}\n"
        let window = try #require(try parse(text).maintenance.first)
        #expect(window.id == "config-1" && window.span == "Tue 2026-12-08 02:00–04:00 UTC" && window.services == ["shop"])
        #expect(window.publicText == "Faster checkout")
        let bad = ConfigTests.minimal + "\nmaintenance:\n  - {start: tuesday, duration: 2h, reason: x}\n"
        #expect(failure(bad).contains("maintenance[0].start: expected a time in UTC"), "\(failure(bad))")
        let unknown = ConfigTests.minimal + "\nmaintenance:\n  - {start: now, duration: 2h, services: [blog], reason: x}\n"
        #expect(failure(unknown).contains("maintenance[0].services[0]: no service named blog"), "\(failure(unknown))")
    }
}

extension ChannelConfigTests {
    @Test func audiencesDisplayNamesAndTheOrganizationAreRead() throws {
        let text =
            "organization: REChain DAO\nstatus:\n  public_listen: 127.0.0.1:9481\n"
            + Self.channels.replacingOccurrences(
                of: "    type: teams\n", with: "    type: teams\n    audience: public\n")
            + ConfigTests.minimal + "\n    display_name: Checkout\n"
        let config = try parse(text)
        #expect(config.channels.first { $0.name == "teams" }?.audience == .public)
        #expect(config.organization == "REChain DAO" && config.services[0].displayName == "Checkout")
        #expect(config.statusPublicListen?.port == 9481)
        #expect(config.publicNaming.displayNames == ["shop": "Checkout"])
        let webhook = "channels:\n  x:\n    type: webhook\n    url: https://a.example/\n    audience: public\n" + ConfigTests.minimal
        #expect(failure(webhook).contains("channels.x.audience: a webhook channel carries internal detail"), "\(failure(webhook))")
    }
}
