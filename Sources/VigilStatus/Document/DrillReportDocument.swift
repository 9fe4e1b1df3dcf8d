import VigilCore

/// A drill's report as JSON: in the status document's incidents and from `vigil drill --report`.
/// Times in seconds, like the rest of the status document.
public struct DrillReportDocument: Codable, Sendable, Equatable {
    public struct Step: Codable, Sendable, Equatable {
        public var step: String
        public var seconds: Double?
        public var outcome: String
    }

    public struct Latency: Codable, Sendable, Equatable {
        public var checks: Int
        public var meanSeconds: Double?
        public var worstSeconds: Double

        init(_ summary: LatencySummary) {
            checks = summary.count
            meanSeconds = summary.mean?.secondsValue
            worstSeconds = summary.worst.secondsValue
        }
    }

    public var id: String
    public var passed: Bool
    public var becameFailover: Bool
    public var holdSeconds: Double
    public var timeToRecoverSeconds: Double?
    public var objectiveSeconds: Double?
    public var metObjective: Bool?
    public var timeToReturnSeconds: Double?
    public var failedSwitches: Int
    public var failedChecksDuringHold: Int
    public var primaryBefore: Latency
    public var standbyDuringHold: Latency
    public var steps: [Step]
    public var findings: [String]
    /// The report in words, as the message said it.
    public var summary: String

    /// The document of `report`.
    public init(_ report: DrillReport) {
        id = report.id
        passed = report.passed
        becameFailover = report.becameFailover
        holdSeconds = report.hold.secondsValue
        timeToRecoverSeconds = report.timeToRecover?.secondsValue
        objectiveSeconds = report.recoveryTimeObjective?.secondsValue
        metObjective = report.metObjective
        timeToReturnSeconds = report.timeToReturn?.secondsValue
        failedSwitches = report.failedSwitches
        failedChecksDuringHold = report.failedChecksDuringHold
        primaryBefore = Latency(report.primaryBefore)
        standbyDuringHold = Latency(report.standbyDuringHold)
        steps = report.steps.map { Step(step: $0.step, seconds: $0.duration?.secondsValue, outcome: $0.outcome) }
        findings = report.findings
        summary = report.description
    }
}
