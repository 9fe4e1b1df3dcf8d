import Foundation
import Testing
import VigilLab

@testable import VigilAgent

/// Careless and hostile input against the real `vigil` binary and a running daemon.
@Suite struct HardeningEndToEndTests {
    /// (c), finding 3: a health URL libcurl cannot parse stops `config check` (78, naming the
    /// key) and `vigil run`, instead of failing a healthy primary over two seconds after start.
    @Test func anUnparsableHealthURLStopsTheConfigCheckAndTheAgent() async throws {
        try await AgentLab.with(overSSH: false) { lab in
            let config = lab.config.replacingOccurrences(of: "- url: \(lab.primary.healthURL)", with: "- url: http://127.0.0.1:99999/health")
            #expect(config != lab.config)
            try lab.folder.write("vigil.yaml", config)
            let check = try await lab.vigil(["config", "check"])
            #expect(check.status == 78, "\(check.output)")
            #expect(check.output.contains("services.shop.primary.health[0].url: not a URL libcurl can use"), "\(check.output)")
            let run = try await LabProcess.run(
                LabBinary.path("vigil"), ["run", "--config", lab.configPath], timeout: .seconds(30), check: false)
            #expect(run.status == 78, "\(run.output)")
            #expect(lab.receiver.requests.isEmpty, "no message: nothing was failed over")
        }
    }

    /// Finding 14: commands that only talk to the daemon need no secret; `config check`, run
    /// where the service's environment is, still says which one is missing.
    @Test func operatorCommandsNeedNoSecretsButTheConfigCheckNamesAMissingOne() async throws {
        try await AgentLab.with(overSSH: false) { lab in
            let hook = lab.receiver.url(path: "/vigil")
            let config = lab.config.replacingOccurrences(of: "url: \(hook)", with: "url_env: VIGIL_TEST_HOOK_URL")
            #expect(config != lab.config)
            try lab.folder.write("vigil.yaml", config)
            let agent = try lab.launchAgent(config: config, environment: ["VIGIL_TEST_HOOK_URL": hook])
            defer { agent.terminate() }
            try await LabWait.until("the control socket", timeout: .seconds(20)) {
                FileManager.default.fileExists(atPath: lab.folder.file("state/vigil.sock"))
            }
            for command in [["status"], ["pause", "--reason", "x"], ["resume"]] {
                let result = try await lab.vigil(command)
                #expect(result.status == 0, "\(command): \(result.output)")
            }
            let check = try await lab.vigil(["config", "check"])
            #expect(check.status == 78 && check.output.contains("the environment variable VIGIL_TEST_HOOK_URL is not set"), "\(check.output)")
        }
    }

    /// Findings 5 and 9: a pause of 1e300 s crashed the daemon; a reason with a newline forged a
    /// log line and a NUL went into the log raw.
    @Test func pausesOutOfRangeAreRefusedAndAReasonCannotForgeALogLine() async throws {
        try await AgentLab.with(overSSH: false) { lab in
            let agent = try await lab.startWatching()
            defer { agent.terminate() }
            let socket = lab.folder.file("state/vigil.sock")
            for seconds in [1e300, -5, 0] {
                let request = try JSONEncoder().encode(ControlRequest(command: .pause, pauseSeconds: seconds))
                var lines: [ControlReply] = []
                try ControlClient.exchange(request + [10], with: socket) { lines.append(try JSONDecoder().decode(ControlReply.self, from: $0)) }
                #expect(lines.last == .finished(.failed), "\(seconds): \(lines)")
                #expect(lines.contains { if case .line(let text) = $0 { text.contains("at most 720h") } else { false } }, "\(seconds): \(lines)")
            }
            #expect(agent.isRunning, "the daemon lives on")
            // Straight to the socket: a NUL cannot pass through a command line.
            let reason = "drill\nFORGED vigil: incident resolved\u{0}"
            let request = ControlRequest(command: .pause, reason: reason)
            var lines: [ControlReply] = []
            try ControlClient.exchange(try JSONEncoder().encode(request) + [10], with: socket) {
                lines.append(try JSONDecoder().decode(ControlReply.self, from: $0))
            }
            #expect(lines.last == .finished(.succeeded), "\(lines)")
            let log = lab.folder.read("vigil.log")
            #expect(log.contains(#"drill\nFORGED vigil: incident resolved\u{0}"#), "escaped in the log")
            #expect(!log.split(separator: "\n").contains { $0.hasPrefix("FORGED") }, "no forged line")
            #expect(!log.contains("\u{0}"), "no raw NUL")
            let status = try await lab.vigil(["status"])
            #expect(status.output.contains("paused"), "\(status.output)")
        }
    }

    /// (a), finding 1: idle connections to the control socket (opened, nothing sent) once froze
    /// the whole agent. Ten are held for 20 s while the primary is killed: the failover starts in
    /// the usual detection time and `vigil status` answers within a second throughout.
    @Test func idleControlConnectionsNeverHoldTheAgent() async throws {
        try await AgentLab.with(overSSH: false) { lab in
            let agent = try await lab.startWatching()
            defer { agent.terminate() }
            let socket = lab.folder.file("state/vigil.sock")
            var idle: [Int32] = []
            defer { for descriptor in idle { close(descriptor) } }
            for _ in 0..<10 { idle.append(try Self.connect(socket)) }
            let started = ContinuousClock.now
            try await lab.primary.setHealth(.refuse)
            var incidentAfter: Duration?
            var slowest = Duration.zero
            while ContinuousClock.now - started < .seconds(20) {
                let asked = ContinuousClock.now
                let status = try await lab.vigil(["status"], timeout: .seconds(5))
                slowest = max(slowest, ContinuousClock.now - asked)
                #expect(status.status == 0, "\(status.output)")
                if incidentAfter == nil, AgentLab.kinds(lab.receiver.requests).contains("incidentStarted") {
                    incidentAfter = ContinuousClock.now - started
                }
                try await Task.sleep(for: .milliseconds(500))
            }
            #expect(slowest < .seconds(1), "vigil status took \(slowest) at worst")
            let detected = try #require(incidentAfter, "no failover: \(lab.folder.read("vigil.log").suffix(2_000))")
            #expect(detected < .seconds(8), "the failover started \(detected) after the fault (detection is about 3 s)")
            #expect(lab.folder.read("vigil.log").contains("no request line within 5s"), "idle connections are dropped after 5 s")
        }
    }

    /// Finding 13: with `shutdown_grace: 3s` and a 15 s step, the daemon waited for the step; a
    /// forced failover's client got no last line.
    @Test func sigtermHonoursTheShutdownGraceAndTheClientHearsHowItEnded() async throws {
        try await AgentLab.with(overSSH: false) { lab in
            let config = "shutdown_grace: 3s\n" + lab.config.replacingOccurrences(of: "start: \(lab.standby.startScript)", with: "start: sleep 15")
            #expect(config.contains("start: sleep 15"))
            let agent = try await lab.startWatching(config: config)
            defer { agent.terminate() }
            let client = Task { try await lab.vigil(["failover", "--force", "--reason", "drill"], timeout: .seconds(40)) }
            try await LabWait.until("the start step", timeout: .seconds(20)) { lab.folder.read("vigil.log").contains("running start standby") }
            let signalled = ContinuousClock.now
            kill(agent.pid, SIGTERM)
            try await LabWait.until("the agent to exit", timeout: .seconds(20)) { !agent.isRunning }
            let took = ContinuousClock.now - signalled
            #expect(took < .seconds(8), "exited \(took) after SIGTERM with a 3 s grace and a 15 s step")
            let (status, output) = try await client.value
            #expect(status == 1, "\(output)")
            #expect(output.contains("the daemon stopped before this ended"), "the client's last line: \(output)")
        }
    }

    private static func connect(_ path: String) throws -> Int32 {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw LabError.notReady("the control socket", log: String(cString: strerror(errno))) }
        return descriptor
    }
}
