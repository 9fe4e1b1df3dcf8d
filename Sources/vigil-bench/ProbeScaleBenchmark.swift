import Foundation
import VigilCore
import VigilHTTP
import VigilLab

/// What watching many endpoints costs the agent: one service whose primary has N health checks
/// at the default 1 s interval, spread over lab backends; the agent's CPU (share of one core),
/// peak RSS and checks per second achieved. Beside it, the CPU of one check done the shell way,
/// one `curl -f` process per check.
enum ProbeScaleBenchmark {
    struct Result: Encodable {
        var endpoints: Int
        var seconds: Double
        var checksPerSecond: Double
        var cpuShareOfOneCore: Double
        var cpuSecondsPerCheck: Double
        var peakRSSBytes: Int
        var anonymousBytes: Int
        /// The lab's side (backends, in this process) over the same window, to show what else
        /// wanted the machine's cores.
        var labCPUShareOfOneCore: Double
        /// From a separate in-process run of the same checks with the same engine.
        var latency: Statistics
    }

    struct CurlBaseline: Encodable {
        var checks: Int
        var cpuSecondsPerCheck: Double
    }

    static func run(sizes: [Int], duration: Duration, curlChecks: Int, output: String) async throws {
        raiseOpenFileLimit()
        var results: [Result] = []
        for size in sizes {
            results.append(try await measure(endpoints: size, duration: duration))
        }
        let curl = try await curlBaseline(checks: curlChecks)
        var table = Table(
            "Probe scale: N health endpoints at 1 s for \(DurationText.format(duration))",
            [
                "endpoints", "checks/s", "agent CPU (one core)", "CPU a check", "peak RSS", "private now", "latency median", "latency p99",
                "curl CPU a check ÷ agent's", "lab backends' CPU",
            ])
        for result in results {
            table.add([
                "\(result.endpoints)", String(format: "%.0f", result.checksPerSecond), percent(result.cpuShareOfOneCore),
                String(format: "%.1f µs", result.cpuSecondsPerCheck * 1e6), megabytes(result.peakRSSBytes),
                megabytes(result.anonymousBytes), milliseconds(result.latency.median), milliseconds(result.latency.p99),
                String(format: "%.0f×", curl.cpuSecondsPerCheck / result.cpuSecondsPerCheck), percent(result.labCPUShareOfOneCore),
            ])
        }
        table.print()
        say(
            String(
                format: "curl baseline: %d checks, one `curl -fsS` process each: %.2f ms CPU a check", curl.checks, curl.cpuSecondsPerCheck * 1_000))
        struct Output: Encodable {
            var agent: [Result]
            var curl: CurlBaseline
        }
        try writeJSON(Output(agent: results, curl: curl), name: "probe-scale", folder: output)
    }

    static func measure(endpoints: Int, duration: Duration) async throws -> Result {
        let backendCount = max(1, min(20, endpoints / 50))
        var backends: [LabHTTPBackend] = []
        for index in 0..<backendCount { backends.append(try await LabHTTPBackend.start(name: "backend\(index)")) }
        let urls = (0..<endpoints).map { "\(backends[$0 % backendCount].url)/health/\($0)" }
        let folder = try LabFolder(prefix: "bench-scale")
        defer { folder.remove() }
        try folder.write("upstream.conf", "upstream vigil_app {\n    server \(backends[0].url.dropFirst(7));\n}\n")
        let agent = try BenchAgent.launch(
            .init(
                primaryHealthURLs: urls, primaryAddress: String(backends[0].url.dropFirst(7)), standbyAddress: "127.0.0.1:9",
                standbyHealthURL: "http://127.0.0.1:9/health", standbyStart: "true", probeTimeout: "2s",
                upstreamFile: folder.file("upstream.conf")))
        defer { agent.stop() }
        func checks() -> Int { backends.reduce(0) { $0 + $1.healthRequestsReceived } }
        try await agent.waitUntilWatching()
        // Warm-up: a few rounds, so connections are open and the process has settled.
        try await LabWait.until("the first rounds", timeout: .seconds(60)) { checks() >= endpoints * 3 }
        say("probe scale: \(endpoints) endpoints for \(DurationText.format(duration))")
        guard let start = ProcessSample.of(agent.process.pid), let labStart = ProcessSample.of(getpid()) else {
            throw LabError.notReady("vigil", log: agent.log)
        }
        let checksBefore = checks()
        let clock = ContinuousClock.now
        try await Task.sleep(for: duration)
        guard let end = ProcessSample.of(agent.process.pid), let labEnd = ProcessSample.of(getpid()) else {
            throw LabError.notReady("vigil", log: agent.log)
        }
        let elapsed = clock.duration(to: .now).secondsValue
        let done = checks() - checksBefore
        agent.stop()
        let latency = await inProcessLatency(urls: urls, rounds: 5)
        for backend in backends { await backend.stop() }
        let cpu = end.cpuSeconds - start.cpuSeconds
        return Result(
            endpoints: endpoints, seconds: elapsed, checksPerSecond: Double(done) / elapsed, cpuShareOfOneCore: cpu / elapsed,
            cpuSecondsPerCheck: cpu / Double(max(1, done)), peakRSSBytes: end.peakRSSBytes,
            anonymousBytes: end.anonymousBytes, labCPUShareOfOneCore: (labEnd.cpuSeconds - labStart.cpuSeconds) / elapsed,
            latency: latency)
    }

    /// The checks' total time, measured by the same engine in this process: every URL once a
    /// second, `rounds` times.
    static func inProcessLatency(urls: [String], rounds: Int) async -> Statistics {
        var totals: [Double] = []
        for _ in 0..<rounds {
            let started = ContinuousClock.now
            let outcomes = await withTaskGroup(of: ProbeOutcome.self) { group in
                for url in urls { group.addTask { await HTTPEngine.shared.probe(HealthProbe(url: url, timeout: .seconds(2))) } }
                var outcomes: [ProbeOutcome] = []
                for await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
            for case .healthy(let timings) in outcomes { totals.append(timings.total.secondsValue) }
            try? await Task.sleep(until: started + .seconds(1))
        }
        return Statistics(totals)
    }

    /// The CPU of `checks` checks done one `curl -fsS -o /dev/null URL` process each, one after
    /// another (as a shell loop would), counted from the reaped children's usage.
    static func curlBaseline(checks: Int) async throws -> CurlBaseline {
        let curl = "/usr/bin/curl"
        try LabProcess.require(curl, package: "curl")
        let backend = try await LabHTTPBackend.start(name: "curl-target")
        say("curl baseline: \(checks) checks")
        let before = ProcessSample.childrenCPUSeconds()
        for _ in 0..<checks {
            let process = try LabProcess.launch(curl, ["-fsS", "-o", "/dev/null", backend.healthURL], name: "curl", log: "/dev/null")
            _ = process.waitForExit(within: .seconds(10))
        }
        let cpu = ProcessSample.childrenCPUSeconds() - before
        await backend.stop()
        return CurlBaseline(checks: checks, cpuSecondsPerCheck: cpu / Double(checks))
    }

    static func raiseOpenFileLimit() {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = min(limit.rlim_max, 65_536)
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}
