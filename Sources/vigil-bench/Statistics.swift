/// Median, percentiles and maximum of a sample, by the nearest-rank method.
struct Statistics: Encodable {
    var count: Int
    var median: Double
    var p99: Double
    var max: Double

    init(_ values: [Double]) {
        let sorted = values.sorted()
        count = sorted.count
        func rank(_ fraction: Double) -> Double {
            guard !sorted.isEmpty else { return .nan }
            let index = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
            return sorted[Swift.max(0, Swift.min(sorted.count - 1, index))]
        }
        median = rank(0.5)
        p99 = rank(0.99)
        max = sorted.last ?? .nan
    }
}
