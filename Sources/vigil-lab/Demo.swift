import ArgumentParser
import Foundation
import VigilCore
import VigilHTTP
import VigilLab
import VigilSSH

/// A failover on loopback, step by step, with the real parts Vigil is built on: nginx in front of
/// a primary, a cold standby started over SSH by OpenSSH's sshd, the upstream file swapped
/// atomically, tested and reloaded, and a webhook told. The agent (`vigil run`) will make these
/// decisions itself; here the demo makes them in the open.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a failover on loopback: nginx, sshd, a primary, a cold standby, a webhook receiver.",
        discussion: "Everything runs on 127.0.0.1 in temporary folders and is stopped at the end."
    )

    @Option(help: "How long the cold standby takes to start.") var startDelay = "1s"

    func run() async throws {
        guard let delay = DurationText.parse(startDelay) else { throw ValidationError("bad duration '\(startDelay)'") }
        let clock = ContinuousClock()
        let began = clock.now
        func say(_ text: String) {
            let seconds = began.duration(to: clock.now).secondsValue
            print(String(format: "[%6.2fs] ", seconds) + text)
        }

        say("starting the lab on 127.0.0.1: primary, cold standby, nginx, sshd, webhook receiver")
        let primary = try await LabHTTPBackend.start(name: "primary")
        let standby = try LabStandby.prepare(startDelay: delay)
        let balancer = try await LabLoadBalancer.start(servers: ["127.0.0.1:\(primary.port)"])
        let sshd = try await LabSSHServer.start(login: .current)
        let receiver = try await LabWebhookReceiver.start()
        do {
            try await failover(primary: primary, standby: standby, balancer: balancer, sshd: sshd, receiver: receiver, say: say)
        } catch {
            say("demo failed: \(error)")
        }
        say("cleaning up")
        await primary.stop()
        standby.stop()
        balancer.stop()
        sshd.stop()
        await receiver.stop()
    }

    private func failover(primary: LabHTTPBackend, standby: LabStandby, balancer: LabLoadBalancer, sshd: LabSSHServer,
                          receiver: LabWebhookReceiver, say: (String) -> Void) async throws {
        let engine = HTTPEngine.shared
        let page = HealthProbe(url: balancer.url + "/")
        func served() async -> String {
            let result = await engine.post(url: balancer.url + "/", body: [])
            guard case .success(let response) = result else { return "no answer" }
            return String(decoding: response.bodyPrefix, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        say("nginx on \(balancer.url) answers: \(await served())")

        let health = HealthProbe(url: primary.healthURL, timeout: .milliseconds(500))
        say("primary health: \(describe(await engine.probe(health)))")
        say("breaking the primary: it stops listening")
        try await primary.setHealth(.refuse)
        var failures = 0
        for _ in 0..<3 {
            let outcome = await engine.probe(health)
            if !outcome.isHealthy { failures += 1 }
            say("primary health: \(describe(outcome))  (\(failures) consecutive failures)")
            try await Task.sleep(for: .milliseconds(250))
        }
        say("3 consecutive failures: failing over")
        let incident = #"{"kind":"incident.started","service":"demo","from":"primary","to":"standby","reason":"connection refused"}"#
        _ = await engine.post(url: receiver.url(path: "/demo-hook"), body: Array(incident.utf8))

        let ssh = SSHConnection(target: SSHTarget(host: "127.0.0.1", port: sshd.port, user: sshd.user,
                                                  identityFile: sshd.clientKey, knownHostsFile: sshd.knownHosts))
        let start = try await ssh.run(standby.startScript, timeout: .seconds(30))
        say("started the standby over SSH (\(ssh.name)): exit \(start.exitStatus.map(String.init) ?? "signal")")
        let gate = HealthProbe(url: standby.healthURL, timeout: .milliseconds(500))
        var passes = 0
        for _ in 0..<200 where passes < 2 {
            let outcome = await engine.probe(gate)
            passes = outcome.isHealthy ? passes + 1 : 0
            if outcome.isHealthy { say("standby health: healthy (\(passes)/2)") }
            try await Task.sleep(for: .milliseconds(250))
        }
        guard passes == 2 else { throw LabError.timedOut("the standby to pass its health gate") }

        let previous = try await ssh.readFile(balancer.upstreamFile)
        let upstream = LabLoadBalancer.upstreamBlock(servers: [standby.address])
        try await ssh.replaceFile(balancer.upstreamFile, with: Array(upstream.utf8))
        say("swapped the upstream file atomically over SFTP:\n" + upstream.split(separator: "\n").map { "            \($0)" }.joined(separator: "\n"))
        let nginx = "\(LabNginx.binary) -c \(shellQuote(balancer.nginx.configPath)) -p \(shellQuote(balancer.nginx.folder.path))"
        let reload = try await ssh.run("\(nginx) -t && \(nginx) -s reload", timeout: .seconds(20))
        guard reload.succeeded else {
            try await ssh.replaceFile(balancer.upstreamFile, with: previous)
            throw LabError.commandFailed("nginx -t && nginx -s reload", status: reload.exitStatus ?? -1, output: reload.stderrText)
        }
        say("nginx -t passed and nginx reloaded")
        try await LabWait.until("nginx to serve from the standby") {
            await engine.probe(HealthProbe(url: page.url, body: .contains("backend: standby"))).isHealthy
        }
        say("nginx on \(balancer.url) answers: \(await served())")
        let resolved = #"{"kind":"incident.resolved","service":"demo","from":"primary","to":"standby"}"#
        _ = await engine.post(url: receiver.url(path: "/demo-hook"), body: Array(resolved.utf8))
        for request in try await receiver.waitForRequests(2) {
            say("webhook received: \(request.bodyText)")
        }
        await ssh.close()
        say("failover done. `vigil run` will take these decisions itself once the agent lands.")
    }

    private func describe(_ outcome: ProbeOutcome) -> String {
        switch outcome {
        case .healthy(let timings): "healthy in \(DurationText.format(.milliseconds(max(1, timings.total.wholeMilliseconds))))"
        case .failed(let failure): failure.summary
        }
    }
}
