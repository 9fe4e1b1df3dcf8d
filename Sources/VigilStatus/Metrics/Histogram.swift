/// A Prometheus histogram's state: cumulative bucket counts, sum and count.
struct Histogram: Sendable {
    /// Upper bounds in seconds, from a check on loopback (milliseconds) to a timeout (seconds).
    static let bounds: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    var buckets = [Int](repeating: 0, count: Histogram.bounds.count)
    var sum = 0.0
    var count = 0

    mutating func observe(_ seconds: Double) {
        for (index, bound) in Self.bounds.enumerated() where seconds <= bound { buckets[index] += 1 }
        sum += seconds
        count += 1
    }
}
