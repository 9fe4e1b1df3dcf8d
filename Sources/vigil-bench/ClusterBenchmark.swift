import Foundation
import VigilCore
import VigilHTTP
import VigilLab

/// Two agents on a three-member etcd (lease 2 s, safety margin 1 s), two nginx, a cold standby
/// over sshd: how often exactly one runbook runs when the primary dies, how long a takeover
/// takes after the leader is SIGKILLed, what etcd adds to a failover, and what an idle agent
/// asks of etcd.
enum ClusterBenchmark {
    struct Result: Encodable {
        /// Per run of "the primary dies": seconds from the fault to both nginx serving the
        /// standby, and whether exactly one runbook ran (one incident, one start, one switch per nginx).
        var clustered: [Failover]
        /// The same with one agent alone (no `cluster:`), for what etcd adds.
        var alone: [Double]
        /// Seconds from the leader's SIGKILL to the other agent holding the leader key.
        var takeovers: [Double]
        /// Calls to etcd per second by each idle agent (renewals and view updates; the watch
        /// streams stay open and are not calls).
        var idleRequestsPerSecond: [String: Double]
        var idleSeconds: Double
    }

    /// The lease of BENCHMARKS.md's figures (the tests use 3 s).
    static let leaseTTL = 2

    struct Failover: Encodable {
        var seconds: Double
        var exactlyOnce: Bool
        var detail: String
    }

    static func run(exactlyOnceRuns: Int, aloneRuns: Int, takeovers: Int, idle: Duration, output: String) async throws {
        var clustered: [Failover] = []
        for index in 1...exactlyOnceRuns {
            let run = try await failover(clustered: true, phase: index)
            clustered.append(run)
            say("cluster failover \(index)/\(exactlyOnceRuns): \(seconds(run.seconds)), exactly once: \(run.exactlyOnce) (\(run.detail))")
        }
        var alone: [Double] = []
        for index in 1...aloneRuns {
            let run = try await failover(clustered: false, phase: index)
            alone.append(run.seconds)
            say("alone failover \(index)/\(aloneRuns): \(seconds(run.seconds))")
        }
        let (times, rates) = try await takeoversAndIdle(count: takeovers, idle: idle)
        let result = Result(
            clustered: clustered, alone: alone, takeovers: times, idleRequestsPerSecond: rates, idleSeconds: idle.secondsValue)

        var table = Table("Cluster: two agents, three etcd members, lease 2 s (safety margin 1 s)", ["measure", "runs", "median", "max"])
        let once = clustered.filter(\.exactlyOnce).count
        table.add(["the primary dies: exactly one runbook", "\(clustered.count)", "\(once) of \(clustered.count)", "-"])
        let withCluster = Statistics(clustered.map(\.seconds))
        let withoutCluster = Statistics(alone)
        table.add(["fault → both nginx serve the standby (cluster)", "\(clustered.count)", seconds(withCluster.median), seconds(withCluster.max)])
        table.add(["fault → both nginx serve the standby (alone)", "\(alone.count)", seconds(withoutCluster.median), seconds(withoutCluster.max)])
        table.add(["what the cluster adds (median)", "-", milliseconds(withCluster.median - withoutCluster.median), "-"])
        let takeover = Statistics(times)
        table.add(["leader SIGKILLed → the other holds the key", "\(times.count)", seconds(takeover.median), seconds(takeover.max)])
        for (agent, rate) in rates.sorted(by: { $0.key < $1.key }) {
            table.add(["idle calls to etcd per second, \(agent)", "\(Int(idle.secondsValue)) s", String(format: "%.2f", rate), "-"])
        }
        table.print()
        try writeJSON(result, name: "cluster", folder: output)
    }

    /// One fresh lab, the primary dies for both vantage points, both agents (or one alone) watch.
    static func failover(clustered: Bool, phase: Int) async throws -> Failover {
        var result: Failover?
        try await LabCluster.with { lab in
            let names = clustered ? LabCluster.agents : ["lb2"]
            let agents = try names.map { try lab.launch($0, config: lab.config($0, clustered: clustered, leaseTTL: leaseTTL)) }
            defer { for agent in agents { agent.terminate() } }
            if clustered {
                try await lab.waitForLeader()
                try await lab.waitForViews()
            }
            try await LabWait.until("the primary to be checked", timeout: .seconds(20)) { lab.primary.healthRequestsReceived >= 3 }
            // Spread the fault over the lease's renewal period, run by run.
            try await Task.sleep(for: .milliseconds(1_000 + 130 * (phase % 5)))
            let fault = ContinuousClock.now
            try await lab.primary.setHealth(.refuse)
            try await LabWait.until("both nginx to serve the standby", timeout: .seconds(60), interval: .milliseconds(20)) {
                await served(lab, by: "standby")
            }
            let elapsed = fault.duration(to: .now).secondsValue
            // Room for a second runbook to show itself before counting.
            try await Task.sleep(for: .seconds(3))
            let started = lab.messages("incidentStarted").count
            let switches = (1...2).map { lab.switches(of: "lb\($0)") }
            let detail = "incidents \(started), standby starts \(lab.standby.startsRun), switches \(switches)"
            result = Failover(
                seconds: elapsed, exactlyOnce: started == 1 && lab.standby.startsRun == 1 && switches == [1, 1], detail: detail)
        }
        guard let result else { throw LabError.notReady("the failover", log: "") }
        return result
    }

    /// In one lab: the leader SIGKILLed `count` times (it comes back as a follower each time),
    /// then both agents idle for `idle` while their calls to etcd are counted from /metrics.
    static func takeoversAndIdle(count: Int, idle: Duration) async throws -> ([Double], [String: Double]) {
        var times: [Double] = []
        var rates: [String: Double] = [:]
        try await LabCluster.with { lab in
            let ports = try LabCluster.agents.map { _ in try FreePort.pick() }
            var agents: [String: LabProcess] = [:]
            for (name, port) in zip(LabCluster.agents, ports) {
                agents[name] = try lab.launch(name, config: lab.config(name, statusPort: port, leaseTTL: leaseTTL))
            }
            defer { for agent in agents.values { agent.terminate() } }
            for index in 1...count {
                let leader = try await lab.waitForLeader()
                try await lab.waitForViews()
                guard let process = agents[leader.name] else { break }
                kill(process.pid, SIGKILL)
                let killed = ContinuousClock.now
                let other = LabCluster.agents.first { $0 != leader.name } ?? ""
                try await lab.waitForLeader(other, timeout: .seconds(20))
                times.append(killed.duration(to: .now).secondsValue)
                say("takeover \(index)/\(count): \(seconds(times.last ?? .nan))")
                _ = process.waitForExit(within: .seconds(5))
                let port = ports[LabCluster.agents.firstIndex(of: leader.name) ?? 0]
                agents[leader.name] = try lab.launch(leader.name, config: lab.config(leader.name, statusPort: port, leaseTTL: leaseTTL))
            }
            try await Task.sleep(for: .seconds(5))  // settled: both renewing, views published
            let before = try await etcdCalls(ports)
            try await Task.sleep(for: idle)
            let after = try await etcdCalls(ports)
            for (index, name) in LabCluster.agents.enumerated() {
                rates[name] = Double(after[index] - before[index]) / idle.secondsValue
            }
        }
        return (times, rates)
    }

    /// Each agent's count of calls to etcd, from its /metrics.
    static func etcdCalls(_ ports: [Int]) async throws -> [Int] {
        var counts: [Int] = []
        for port in ports {
            let (_, text) = try await LabProcess.run("/usr/bin/curl", ["-sS", "http://127.0.0.1:\(port)/metrics"], timeout: .seconds(10))
            let line = text.split(separator: "\n").first { $0.hasPrefix("vigil_etcd_request_duration_seconds_count ") }
            guard let value = line?.split(separator: " ").last.flatMap({ Int($0) }) else {
                throw LabError.notReady("vigil_etcd_request_duration_seconds_count on port \(port)", log: text)
            }
            counts.append(value)
        }
        return counts
    }

    static func served(_ lab: LabCluster, by backend: String) async -> Bool {
        for balancer in lab.balancers {
            let probe = HealthProbe(url: balancer.url + "/", body: .contains("backend: \(backend)"), freshConnection: true)
            guard await HTTPEngine.shared.probe(probe).isHealthy else { return false }
        }
        return true
    }
}
