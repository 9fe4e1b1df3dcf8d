import Foundation
import Logging
import VigilCore
import VigilHTTP

/// Delivers one channel's outbox, in order, one message at a time: at most one a
/// `minimumSpacing`, retries with backoff and jitter, `Retry-After` honoured on 429, messages
/// past `maximumAge` dropped with a log line. Its failures are logged, never notified.
final class DeliveryWorker: Sendable {
    let channel: NotificationChannel
    private let outbox: Outbox
    private let engine: HTTPEngine
    private let policy: DeliveryPolicy
    private let observe: DeliveryObserver?
    private let logger: Logger
    private let wakeUps: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    init(
        channel: NotificationChannel, outbox: Outbox, engine: HTTPEngine, policy: DeliveryPolicy, observe: DeliveryObserver? = nil,
        logger: Logger
    ) {
        self.observe = observe
        self.channel = channel
        self.outbox = outbox
        self.engine = engine
        self.policy = policy
        var logger = logger
        logger[metadataKey: "channel"] = "\(channel.name)"
        self.logger = logger
        (wakeUps, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Something was queued.
    func nudge() { wake.yield() }

    /// Runs until its task is cancelled.
    func run() async {
        // Spacing counts from the end of the previous attempt: the receiver has it by then, so
        // it sees two messages at least `minimumSpacing` apart however long a request took.
        var lastAttempt: ContinuousClock.Instant?
        var attempt = 0
        var wakeIterator = wakeUps.makeAsyncIterator()
        while !Task.isCancelled {
            guard let name = outbox.pending().first else {
                _ = await wakeIterator.next()
                continue
            }
            guard let entry = outbox.read(name) else {
                logger.error("unreadable outbox entry \(name); removing it")
                outbox.remove(name)
                continue
            }
            let age = Date().timeIntervalSince1970 - entry.createdAt
            if age > policy.maximumAge.secondsValue {
                logger.warning("giving up on message \(entry.eventID) after \(Int(age)) s undelivered")
                outbox.remove(name)
                continue
            }
            if let lastAttempt {
                let wait = policy.minimumSpacing - lastAttempt.duration(to: .now)
                if wait > .zero { try? await Task.sleep(for: wait) }
            }
            if Task.isCancelled { return }
            attempt += 1
            let result = await send(entry)
            lastAttempt = .now
            switch result {
            case .delivered:
                observe?(channel.name, .delivered)
                logger.debug("delivered message \(entry.eventID) after \(attempt) attempt(s)")
                outbox.remove(name)
                attempt = 0
            case .dropped(let why):
                observe?(channel.name, .dropped)
                logger.error("dropping message \(entry.eventID): \(why)")
                outbox.remove(name)
                attempt = 0
            case .retry(let why, let after):
                observe?(channel.name, .failed)
                let delay = after ?? policy.retryDelay(attempt: attempt, random: Double.random(in: 0...1))
                logger.warning(
                    "message \(entry.eventID) not delivered (\(why)); retrying in \(DurationText.format(.milliseconds(delay.wholeMilliseconds)))")
                try? await Task.sleep(for: delay)
            }
        }
    }

    enum Attempt {
        case delivered
        case dropped(String)
        case retry(String, after: Duration?)
    }

    /// One attempt, no retry: the worker's loop decides what follows.
    func send(_ entry: OutboxEntry) async -> Attempt {
        switch channel.kind {
        case .email: await mail(entry)
        case .slack, .discord, .webhook, .pagerduty, .teams, .telegram: await post(entry)
        }
    }

    /// HTTP: 2xx delivered; 429 (after its Retry-After), 408, 425 and 5xx retried; any other
    /// status dropped, with what the receiver said.
    private func post(_ entry: OutboxEntry) async -> Attempt {
        var body = [UInt8](entry.body)
        if let key = channel.routingKey {
            // The stored event is a JSON object without the key; it goes in first, here only.
            body =
                Array("{\"routing_key\":".utf8) + NotificationPayload.json(key.exposed) + (body.count > 2 ? [UInt8(ascii: ",")] : [])
                + body.dropFirst()
        }
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json"), ("X-Vigil-Event-Id", entry.eventID)]
        headers += channel.headers.map { ($0.name, $0.value.exposed) }
        if let secret = channel.signingSecret {
            headers.append((WebhookSignature.header, WebhookSignature.sign(body, secret: secret, timestamp: Int(Date().timeIntervalSince1970))))
        }
        let outcome = await engine.post(
            url: channel.url.exposed, body: body, headers: headers,
            connectTimeout: min(policy.requestTimeout, .seconds(5)), timeout: policy.requestTimeout, tls: channel.tls)
        switch outcome {
        case .success(let response):
            switch response.status {
            case 200..<300: return .delivered
            case 429: return .retry("HTTP 429", after: response.retryAfter)
            case 408, 425, 500...599: return .retry("HTTP \(response.status)", after: nil)
            default:
                return .dropped("the receiver refused it with HTTP \(response.status)\(said(response.bodyPrefix))")
            }
        case .failure(let error):
            return .retry("\(error)", after: nil)
        }
    }

    /// SMTP: a 4xx reply is retried, a 5xx reply dropped; no reply (connection, TLS) retried.
    private func mail(_ entry: OutboxEntry) async -> Attempt {
        guard let settings = channel.mail else { return .dropped("the channel has no mail settings") }
        let envelope = MailEnvelope(
            sender: settings.senderAddress, recipients: settings.to, username: settings.username,
            password: settings.password?.exposed, requireTLS: settings.requireStartTLS)
        let result = await engine.sendMail(
            url: channel.url.exposed, envelope: envelope, message: [UInt8](entry.body),
            connectTimeout: min(policy.requestTimeout, .seconds(5)), timeout: policy.requestTimeout * 3, tls: channel.tls)
        switch result {
        case .accepted: return .delivered
        case .refused(let reply, let message) where reply < 500: return .retry("SMTP reply \(reply): \(message)", after: nil)
        case .refused(let reply, let message): return .dropped("the mail server refused it with SMTP reply \(reply): \(message)")
        case .failed(let error): return .retry("\(error)", after: nil)
        }
    }

    /// The start of a refusal's body, as the receiver's own words (Telegram, PagerDuty and
    /// Slack say why there), with every secret of the channel cut out.
    private func said(_ body: [UInt8]) -> String {
        var text = String(decoding: body.prefix(300), as: UTF8.self).escapingControlCharacters
        let secrets = [channel.url.exposed, channel.routingKey?.exposed] + channel.headers.map { $0.value.exposed }
        for case let secret? in secrets where secret.count >= 4 { text = text.replacingOccurrences(of: secret, with: "<redacted>") }
        if let path = URLComponents(string: channel.url.exposed)?.percentEncodedPath, path.count >= 4 {
            text = text.replacingOccurrences(of: path, with: "<redacted>")
        }
        return text.isEmpty ? "" : ": \(text)"
    }
}
