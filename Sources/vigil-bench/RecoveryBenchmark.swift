import Foundation
import VigilAgent
import VigilCore
import VigilHTTP
import VigilLab
import VigilStatus

/// Time from a fault of the primary to the first request nginx answers from the standby, split
/// into its parts, with the failed client requests; default detection settings.
enum RecoveryBenchmark {
    struct Run: Encodable {
        var fault: String
        var standby: String
        /// Seconds from the fault.
        var firstServedByStandby: Double
        var detection: Double
        var startAndGate: Double
        var switchSeconds: Double
        var verification: Double
        /// When the switch step succeeded (verification included), from the fault.
        var switchSucceeded: Double
        /// What the settings allow, counted from the first probe after the fault (its end).
        var bound: Double?
        var failedRequests: Int
        var requests: Int
    }

    static let startDelay = 1.0
    static let minFailureDuration = 2.0
    static let fastInterval = 0.25
    static let rise = 2.0

    static func run(runs: Int, output: String) async throws {
        var results: [Run] = []
        var table = Table(
            "Recovery time (cold standby, start delay 1 s; \(runs) run(s) per fault)",
            ["fault", "run", "fault→standby", "bound", "over bound", "detection", "start+gate", "switch", "verify", "failed req"])
        for (name, fault) in [("refuse", HealthMode.refuse), ("hang", .hang), ("500", .status(500))] {
            for index in 1...runs {
                let run = try await measure(fault: fault, name: name, warm: false, phase: index)
                results.append(run)
                table.add([
                    name, "\(index)", seconds(run.firstServedByStandby), run.bound.map(seconds) ?? "-",
                    run.bound.map { milliseconds(run.firstServedByStandby - $0) } ?? "-", seconds(run.detection),
                    seconds(run.startAndGate), milliseconds(run.switchSeconds), seconds(run.verification), "\(run.failedRequests)/\(run.requests)",
                ])
                say("recovery \(name) \(index)/\(runs): \(seconds(run.firstServedByStandby))")
            }
        }
        table.print()
        var summary = Table("Recovery time, per fault", ["fault", "median", "max", "median over bound", "median failed requests"])
        for name in ["refuse", "hang", "500"] {
            let runs = results.filter { $0.fault == name }
            summary.add([
                name, seconds(Statistics(runs.map(\.firstServedByStandby)).median), seconds(Statistics(runs.map(\.firstServedByStandby)).max),
                milliseconds(Statistics(runs.compactMap { run in run.bound.map { run.firstServedByStandby - $0 } }).median),
                "\(Int(Statistics(runs.map { Double($0.failedRequests) }).median))",
            ])
        }
        summary.print()

        var warmTable = Table(
            "Warm standby listed as nginx `backup` (\(runs) run(s) per fault)",
            ["fault", "run", "fault→Vigil's switch done", "failed req"])
        for (name, fault) in [("refuse", HealthMode.refuse), ("500", .status(500))] {
            for index in 1...runs {
                let run = try await measure(fault: fault, name: name, warm: true, phase: index)
                results.append(run)
                warmTable.add([name, "\(index)", seconds(run.switchSucceeded), "\(run.failedRequests)/\(run.requests)"])
                say("recovery warm \(name) \(index)/\(runs): \(run.failedRequests) failed requests")
            }
        }
        warmTable.print()
        try writeJSON(results, name: "recovery", folder: output)
    }

    /// One fresh lab, one fault, one failover. `phase` spreads the moment of the fault over the
    /// 1 s between checks, run by run (steps of 0.1 s), so runs do not all land at the same point.
    static func measure(fault: HealthMode, name: String, warm: Bool, phase: Int) async throws -> Run {
        let primary = try await LabHTTPBackend.start(name: "primary")
        let coldStandby = warm ? nil : try LabStandby.prepare(startDelay: .seconds(startDelay))
        let warmStandby = warm ? try await LabHTTPBackend.start(name: "standby") : nil
        let standbyAddress = coldStandby?.address ?? "127.0.0.1:\(warmStandby!.port)"
        let balancer = try await LabLoadBalancer.start(servers: ["127.0.0.1:\(primary.port)"] + (warm ? [standbyAddress] : []))
        let receiver = try await LabWebhookReceiver.start()
        let agent = try BenchAgent.launch(
            .init(
                primaryHealthURLs: [primary.healthURL], primaryAddress: "127.0.0.1:\(primary.port)", standbyAddress: standbyAddress,
                standbyHealthURL: coldStandby?.healthURL ?? warmStandby!.healthURL, standbyStart: coldStandby?.startScript, warm: warm,
                upstreamFile: balancer.upstreamFile, nginxCommand: balancer.nginx.commandLine, verifyURL: balancer.url + "/",
                webhookURL: receiver.url(path: "/bench")))
        let client = TrafficClient()
        defer {
            agent.stop()
            balancer.stop()
            coldStandby?.stop()
        }
        try await agent.waitUntilWatching()
        try await LabWait.until("the primary to be checked", timeout: .seconds(20)) { primary.healthRequestsReceived >= 3 }
        client.start(url: balancer.url + "/")
        try await Task.sleep(for: .seconds(1) + .milliseconds(100 * (phase % 10)))
        let faultClock = ContinuousClock.now
        let faultDate = Date()
        try await primary.setHealth(fault)
        _ = try await receiver.waitForRequests(2, timeout: .seconds(60))
        if !warm {
            try await LabWait.until("nginx to answer from the standby", timeout: .seconds(30)) { client.firstStandbyAnswer != nil }
        }
        try await Task.sleep(for: .milliseconds(500))
        await client.stop()
        await primary.stop()
        await warmStandby?.stop()
        await receiver.stop()

        guard let incident = try agent.snapshot()?.lastIncident else { throw LabError.notReady("the incident", log: agent.log) }
        func at(_ prefix: String) -> Double {
            guard let entry = incident.timeline.first(where: { $0.what.description.hasPrefix(prefix) }) else { return .nan }
            return entry.at.date.timeIntervalSince(faultDate)
        }
        let switched = switchStages(in: agent.log)
        let served = client.firstStandbyAnswer.map { faultClock.duration(to: $0).secondsValue } ?? at("succeeded switch")
        let opened = incident.openedAt.date.timeIntervalSince(faultDate)
        return Run(
            fault: name, standby: warm ? "warm" : "cold", firstServedByStandby: served, detection: at("opened"),
            startAndGate: at("started switch") - at("opened"), switchSeconds: (switched["upload"] ?? .nan) + (switched["swap"] ?? .nan),
            verification: switched["verify"] ?? .nan, switchSucceeded: at("succeeded switch"),
            bound: warm ? nil : opened + minFailureDuration + startDelay + (rise - 1) * fastInterval,
            failedRequests: client.failures(after: faultClock), requests: client.all.filter { $0.sent >= faultClock }.count)
    }

    /// The stages of the agent's log line "switched lb1 to standby: swap 94ms, upload 86ms, verify 1018ms", in seconds.
    static func switchStages(in log: String) -> [String: Double] {
        guard let line = log.split(separator: "\n").first(where: { $0.contains("switched lb1 to standby:") }),
            let colon = line.range(of: "to standby: ")
        else { return [:] }
        var stages: [String: Double] = [:]
        for part in line[colon.upperBound...].split(separator: ",") {
            let words = part.split(separator: " ")
            guard words.count == 2, let duration = DurationText.parse(String(words[1])) else { continue }
            stages[String(words[0])] = duration.secondsValue
        }
        return stages
    }
}
