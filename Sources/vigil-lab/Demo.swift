import ArgumentParser
import Foundation
import VigilCore
import VigilHTTP
import VigilLab

/// A failover on loopback by the real agent: `vigil run` watches a primary behind the lab's nginx,
/// the demo breaks the primary, and Vigil starts the cold standby over SSH, gates it, switches
/// nginx and tells the webhook receiver. Its log is shown as it happens.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a failover on loopback: vigil run, nginx, sshd, a primary, a cold standby, a webhook receiver.",
        discussion: "Everything runs on 127.0.0.1 in temporary folders and is stopped at the end."
    )

    @Option(help: "How long the cold standby takes to start.") var startDelay = "1s"

    func run() async throws {
        guard let delay = DurationText.parse(startDelay) else { throw ValidationError("bad duration '\(startDelay)'") }
        let clock = ContinuousClock()
        let began = clock.now
        func say(_ text: String) {
            // Written straight to the descriptor, so lines appear as they happen even through a pipe.
            FileHandle.standardOutput.write(Data((String(format: "[%6.2fs] ", began.duration(to: clock.now).secondsValue) + text + "\n").utf8))
        }

        say("starting the lab on 127.0.0.1: primary, cold standby, nginx, sshd, webhook receiver")
        let primary = try await LabHTTPBackend.start(name: "primary")
        let standby = try LabStandby.prepare(startDelay: delay)
        let balancer = try await LabLoadBalancer.start(servers: ["127.0.0.1:\(primary.port)"])
        let sshd = try await LabSSHServer.start(login: .current)
        let receiver = try await LabWebhookReceiver.start()
        let folder = try LabFolder(prefix: "demo")
        var agent: LabProcess?
        do {
            let statusPort = try FreePort.pick()
            let config = LabAgentConfig(
                primary: primary, standby: standby, balancer: balancer, receiver: receiver, sshd: sshd,
                stateDirectory: folder.file("state"), statusPort: statusPort)
            try folder.write("vigil.yaml", config.yaml)
            say("config written to \(folder.file("vigil.yaml")); starting `vigil run`; its status page: http://127.0.0.1:\(statusPort)/")
            agent = try LabProcess.launch(
                LabBinary.path("vigil"), ["run", "--config", folder.file("vigil.yaml")],
                name: "vigil", log: folder.file("vigil.log"))
            let log = LogFollower(path: folder.file("vigil.log"))
            try await failover(balancer: balancer, primary: primary, receiver: receiver, log: log, say: say)
        } catch {
            say("demo failed: \(error)")
        }
        say("cleaning up")
        agent?.terminate()
        await primary.stop()
        standby.stop()
        balancer.stop()
        sshd.stop()
        await receiver.stop()
        folder.remove()
    }

    private func failover(
        balancer: LabLoadBalancer, primary: LabHTTPBackend, receiver: LabWebhookReceiver, log: LogFollower,
        say: (String) -> Void
    ) async throws {
        /// One GET through nginx on a new connection: its status and body, in words.
        func answer() async -> (text: String, fromStandby: Bool) {
            switch await HTTPEngine.shared.get(url: balancer.url + "/", timeout: .seconds(2), freshConnection: true) {
            case .success(let response):
                let body = String(decoding: response.bodyPrefix, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                return ("HTTP \(response.status) \"\(body.prefix(80))\"", response.status == 200 && body.contains("backend: standby"))
            case .failure(let error):
                return ("no answer (\(error))", false)
            }
        }
        var shownMessages = 0
        /// Each webhook message, as the receiver gets it.
        func showMessages() {
            for request in receiver.requests.dropFirst(shownMessages) {
                do {
                    let body = try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
                    say("webhook received: \(body?["kind"] as? String ?? "?"): \(body?["title"] as? String ?? "")")
                } catch {
                    say("webhook received something that is not JSON (\(error)): \(request.bodyText.prefix(200))")
                }
                shownMessages += 1
            }
        }
        try await LabWait.until("vigil to watch the primary", timeout: .seconds(20)) { primary.healthRequestsReceived >= 3 }
        log.drain { say("vigil | \($0)") }
        say("nginx on \(balancer.url) answers: \(await answer().text)")
        say("breaking the primary: it stops listening")
        let clock = ContinuousClock()
        let fault = clock.now
        try await primary.setHealth(.refuse)
        var first = ""
        var after = Duration.zero
        try await LabWait.until("nginx to serve the standby", timeout: .seconds(60), interval: .milliseconds(50)) {
            log.drain { say("vigil | \($0)") }
            showMessages()
            let (text, fromStandby) = await answer()
            if fromStandby { (first, after) = (text, fault.duration(to: clock.now)) }
            return fromStandby
        }
        let elapsed = DurationText.format(.milliseconds(after.wholeMilliseconds))
        say("nginx answers: \(first), \(elapsed) after the fault")
        try await LabWait.until("the incident to be resolved on the webhook", timeout: .seconds(15), interval: .milliseconds(50)) {
            log.drain { say("vigil | \($0)") }
            showMessages()
            return shownMessages >= 2
        }
        log.drain { say("vigil | \($0)") }
        say(
            "failover done: the standby served its first answer through nginx \(elapsed) after the fault (\(first)); \(shownMessages) messages delivered"
        )
    }
}

/// Shows a growing log file's new lines.
final class LogFollower: @unchecked Sendable {
    private let path: String
    private var offset = 0

    init(path: String) { self.path = path }

    func drain(_ line: (String) -> Void) {
        guard let data = FileManager.default.contents(atPath: path), data.count > offset else { return }
        let text = String(decoding: data[offset...], as: UTF8.self)
        guard let end = text.lastIndex(of: "\n") else { return }
        offset += text[...end].utf8.count
        for shown in text[...end].split(separator: "\n") { line(String(shown)) }
    }
}
