import Foundation
import Testing
import VigilHosts
import VigilLab

@testable import VigilAgent

/// Careless and hostile input against the real `vigil` binary and a running daemon. One test
/// at a time: each runs an agent under a deliberate load, and seven at once starve the timing
/// of the other suites' agents on two cores.
@Suite(.serialized) struct HardeningEndToEndTests {
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

    /// Never silent: an upstream file that cannot be read at start was logged as "names neither
    /// backend", the cause swallowed. The real cause is in the log now (issue 11 goes further).
    @Test func anUnreadableUpstreamFileIsLoggedWithItsCause() async throws {
        try await AgentLab.with(overSSH: false) { lab in
            let missing = lab.folder.file("no-such-folder/upstream.conf")
            let config = lab.config.replacingOccurrences(of: "upstream_file: \(lab.balancer.upstreamFile)", with: "upstream_file: \(missing)")
            #expect(config != lab.config)
            let agent = try lab.launchAgent(config: config)
            defer { agent.terminate() }
            try await LabWait.until("the agent to say why", timeout: .seconds(20)) {
                lab.folder.read("vigil.log").contains("cannot read the upstream file \(missing)")
            }
            #expect(lab.folder.read("vigil.log").contains("does not exist"), "\(lab.folder.read("vigil.log").suffix(1_500))")
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
            // The daemon's answer is timed in this process: a new CLI process's own start-up
            // (seconds when the whole suite loads both cores) is not the agent's doing.
            let request = try JSONEncoder().encode(ControlRequest(command: .status)) + [10]
            while ContinuousClock.now - started < .seconds(20) {
                let asked = ContinuousClock.now
                var last: ControlReply?
                try ControlClient.exchange(request, with: socket) { last = try JSONDecoder().decode(ControlReply.self, from: $0) }
                slowest = max(slowest, ContinuousClock.now - asked)
                #expect(last == .finished(.succeeded))
                if incidentAfter == nil, AgentLab.kinds(lab.receiver.requests).contains("incidentStarted") {
                    incidentAfter = ContinuousClock.now - started
                }
                try await Task.sleep(for: .milliseconds(500))
            }
            print(
                "idle control connections: failover started \(incidentAfter.map { "\($0)" } ?? "never") after the fault; status answered in \(slowest) at worst"
            )
            #expect(slowest < .seconds(1), "the daemon took \(slowest) at worst to answer status")
            let cli = try await lab.vigil(["status"])
            #expect(cli.status == 0 && cli.output.contains("shop:"), "\(cli.output)")
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
            print("SIGTERM with a 3 s grace and a 15 s step: exited \(took) after the signal")
            #expect(took < .seconds(8), "exited \(took) after SIGTERM with a 3 s grace and a 15 s step")
            let (status, output) = try await client.value
            #expect(status == 1, "\(output)")
            #expect(output.contains("the daemon stopped before this ended"), "the client's last line: \(output)")
        }
    }

    /// Finding 8: a SIGHUP config that passes the check but cannot start (here a control socket
    /// whose folder cannot be made) stopped the daemon; now the running config starts again.
    @Test func aHangupWhoseConfigCannotStartRunsThePreviousOneAgain() async throws {
        try await AgentLab.with(overSSH: false) { lab in
            let agent = try await lab.startWatching()
            defer { agent.terminate() }
            let socket = lab.folder.file("state/vigil.sock")
            let unstartable = lab.config.replacingOccurrences(of: "path: \(socket)", with: "path: /dev/null/vigil.sock")
            #expect(unstartable != lab.config)
            try lab.folder.write("vigil.yaml", unstartable)
            kill(agent.pid, SIGHUP)
            try await LabWait.until("the agent to go back to its config", timeout: .seconds(20)) {
                lab.folder.read("vigil.log").contains("running the previous one again")
            }
            // The socket file may be the old one for a moment (the restart removes it and binds
            // anew): the control socket is back when a status request is answered.
            var replies: [ControlReply] = []
            var lastError = ""
            do {
                try await LabWait.until("the control socket to answer again", timeout: .seconds(20)) {
                    do {
                        var answered: [ControlReply] = []
                        try ControlClient.exchange(try JSONEncoder().encode(ControlRequest(command: .status)) + [10], with: socket) {
                            answered.append(try JSONDecoder().decode(ControlReply.self, from: $0))
                        }
                        replies = answered
                        return true
                    } catch {
                        lastError = "\(error)"
                        return false
                    }
                }
            } catch {
                Issue.record("the last attempt: \(lastError)")
                throw error
            }
            #expect(agent.isRunning)
            #expect(replies.last == .finished(.succeeded), "\(replies)")
        }
    }

    /// (b), finding 2: 1,100 idle connections to the status port once took the daemon's
    /// descriptors, its probes failed, a false incident went out, and the control socket died for
    /// good. With its limit at 1,024 soft and hard (so the listener's own cap is what is tested),
    /// 2,000 idle connections change nothing: no incident, no message, the checks go on and
    /// `vigil status` answers during and after.
    @Test func twoThousandIdleConnectionsToTheStatusPortChangeNothing() async throws {
        var own = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &own)
        own.rlim_cur = max(own.rlim_cur, min(own.rlim_max, 8_192))
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &own)
        try #require(own.rlim_cur >= 4_096, "the test needs 4,096 descriptors of its own")
        try await AgentLab.with(overSSH: false, statusListener: true) { lab in
            try lab.folder.write("vigil.yaml", lab.config)
            let command = "ulimit -n 1024 && exec \(shellQuote(LabBinary.path("vigil"))) run --config \(shellQuote(lab.configPath)) --log-level debug"
            let agent = try LabProcess.launch("/bin/sh", ["-c", command], name: "vigil", log: lab.folder.file("vigil.log"))
            defer { agent.terminate() }
            try await LabWait.until("the status listener", timeout: .seconds(20)) { !lab.statusURL.isEmpty }
            try await LabWait.until("the primary to be watched", timeout: .seconds(20)) { lab.primary.healthRequestsReceived >= 3 }
            #expect(lab.folder.read("vigil.log").contains("open-file limit 1024 (hard 1024)"))
            let port = try #require(Int(lab.statusURL.split(separator: ":").last ?? ""))
            var idle: [Int32] = []
            defer { for descriptor in idle { close(descriptor) } }
            for _ in 0..<2_000 { idle.append(Self.connectWithoutWaiting(port: port)) }
            #expect(idle.allSatisfy { $0 >= 0 })
            let checksBefore = lab.primary.healthRequestsReceived
            let started = ContinuousClock.now
            while ContinuousClock.now - started < .seconds(15) {
                let status = try await lab.vigil(["status"], timeout: .seconds(5))
                #expect(status.status == 0 && status.output.contains("primaryActive"), "\(status.output)")
                try await Task.sleep(for: .seconds(1))
            }
            #expect(lab.primary.healthRequestsReceived >= checksBefore + 10, "the checks went on")
            for descriptor in idle { close(descriptor) }
            idle = []
            let after = try await lab.vigil(["status"], timeout: .seconds(5))
            #expect(after.status == 0 && after.output.contains("primary up"), "\(after.output)")
            #expect(lab.receiver.requests.isEmpty, "no message: \(AgentLab.kinds(lab.receiver.requests))")
            #expect(!lab.folder.read("vigil.log").contains("Too many open files"), "\(lab.folder.read("vigil.log").suffix(2_000))")
        }
    }

    /// A TCP connection to 127.0.0.1:`port` that is not waited for (the server may leave it in
    /// its backlog).
    private static func connectWithoutWaiting(port: Int) -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { return descriptor }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return descriptor
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
