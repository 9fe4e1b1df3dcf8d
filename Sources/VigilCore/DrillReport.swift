/// A drill's report, from its incident: each step with its duration and outcome, the time to
/// recover against the objective, the switches whose check through nginx failed, the latencies
/// compared, and the findings. The message, `vigil drill --report` and the status page show it.
public struct DrillReport: Equatable, Hashable, Sendable, Codable {
    /// One step as it ran.
    public struct Step: Equatable, Hashable, Sendable, Codable {
        /// The step in words.
        public var step: String
        /// How long it took (nil: it never ended).
        public var duration: Duration?
        /// "succeeded", "skipped: why" or "failed: cause".
        public var outcome: String
    }

    /// The incident's id.
    public var id: String
    /// Nothing went wrong.
    public var passed: Bool
    /// The drill turned into a real failover.
    public var becameFailover: Bool
    /// How long the standby was to serve.
    public var hold: Duration
    /// From the start to every load balancer serving the standby.
    public var timeToRecover: Duration?
    /// The objective it is measured against.
    public var recoveryTimeObjective: Duration?
    /// From the end of the hold to traffic back on the primary everywhere.
    public var timeToReturn: Duration?
    /// Switch steps that failed (their check through the load balancer, or before it).
    public var failedSwitches: Int
    /// The standby's failed check rounds during the hold.
    public var failedChecksDuringHold: Int
    /// The primary's checks before traffic left it.
    public var primaryBefore: LatencySummary
    /// The standby's checks during the hold.
    public var standbyDuringHold: LatencySummary
    /// Every step, in order.
    public var steps: [Step]
    /// What went wrong.
    public var findings: [String]

    /// Whether the time to recover met the objective (nil without either).
    public var metObjective: Bool? {
        guard let timeToRecover, let recoveryTimeObjective else { return nil }
        return timeToRecover <= recoveryTimeObjective
    }
}

extension Incident {
    /// The report of a drill (nil for any other incident).
    public var drillReport: DrillReport? {
        guard let drill else { return nil }
        var steps: [DrillReport.Step] = []
        var started: [RunbookStep: Instant] = [:]
        var failedSwitches = 0
        for entry in timeline {
            switch entry.what {
            case .stepStarted(let step):
                started[step] = entry.at
            case .stepSucceeded(let step):
                steps.append(.init(step: "\(step)", duration: started[step].map { entry.at - $0 }, outcome: "succeeded"))
            case .stepSkipped(let step, let why):
                steps.append(.init(step: "\(step)", duration: .zero, outcome: "skipped: \(why)"))
            case .stepFailed(let step, let cause):
                if case .switchUpstream = step { failedSwitches += 1 }
                steps.append(.init(step: "\(step)", duration: started[step].map { entry.at - $0 }, outcome: "failed: \(cause)"))
            case .opened, .stepReported, .operatorRequested, .retrying, .resolved, .moving, .acknowledged, .escalated:
                break
            }
        }
        let holdEnded = drill.standbyServingAt.map { $0 + drill.hold }
        return DrillReport(
            id: id, passed: drill.passed, becameFailover: drill.becameFailover, hold: drill.hold,
            timeToRecover: timeToRecover, recoveryTimeObjective: recoveryTimeObjective,
            timeToReturn: drill.primaryBackAt.flatMap { back in holdEnded.map { back - $0 } }, failedSwitches: failedSwitches,
            failedChecksDuringHold: drill.failedChecksDuringHold, primaryBefore: drill.primaryBefore,
            standbyDuringHold: drill.standbyDuringHold, steps: steps, findings: drill.findings)
    }
}

extension DrillReport: CustomStringConvertible {
    /// The report in words, as the message says it.
    public var description: String {
        var parts: [String] = []
        parts.append(
            becameFailover
                ? "DRILL ENDED: it became a real failover" : passed ? "DRILL PASSED" : "DRILL FAILED with \(findings.count) finding(s)")
        if let timeToRecover {
            let objective = recoveryTimeObjective.map { " (objective \(DurationText.format($0)): \(metObjective == true ? "met" : "MISSED"))" }
            parts.append("the standby served \(DurationText.format(timeToRecover)) after the start\(objective ?? "")")
            parts.append("held \(DurationText.format(hold)) with \(failedChecksDuringHold) failed check round(s)")
        } else {
            parts.append("the standby never served")
        }
        if let timeToReturn { parts.append("back on the primary \(DurationText.format(timeToReturn)) after the hold") }
        parts.append("\(failedSwitches) failed switch(es)")
        parts.append("latency: primary before \(primaryBefore); standby during the hold \(standbyDuringHold)")
        let stepList = steps.map { "\($0.step) \($0.duration.map(DurationText.format) ?? "?") \($0.outcome)" }
        parts.append("steps: " + stepList.joined(separator: ", "))
        if !findings.isEmpty { parts.append("findings: " + findings.joined(separator: "; ")) }
        return parts.joined(separator: "; ")
    }
}
