/// Health-check latencies of one side over a stretch of time, kept small: count, sum and worst.
public struct LatencySummary: Equatable, Hashable, Sendable, Codable {
    /// Checks measured.
    public var count = 0
    /// Their total time.
    public var sum: Duration = .zero
    /// The slowest.
    public var worst: Duration = .zero

    /// An empty summary.
    public init() {}

    /// The mean, or nil before the first check.
    public var mean: Duration? { count == 0 ? nil : sum / count }

    /// Adds one check's time.
    public mutating func add(_ sample: Duration) {
        count += 1
        sum += sample
        worst = max(worst, sample)
    }
}

extension LatencySummary: CustomStringConvertible {
    /// "2.14ms mean, 4.02ms worst of 12 checks", or "no check measured".
    public var description: String {
        guard let mean else { return "no check measured" }
        return "\(Self.milliseconds(mean)) mean, \(Self.milliseconds(worst)) worst of \(count) checks"
    }

    /// Health checks on a LAN take about a millisecond: shown to a hundredth of one.
    static func milliseconds(_ duration: Duration) -> String {
        let hundredths = Int((duration.secondsValue * 100_000).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)ms"
    }
}
