import VigilCore

/// How a lab backend behaves, switchable while it runs. `flaky`, `huge` and `drip` touch `/health` only
/// (the service itself is fine); the others are faults of the whole process and touch every path.
public enum HealthMode: Equatable, Sendable, CustomStringConvertible {
    case ok
    case status(Int)
    /// The listener is closed and open connections are dropped: connection refused.
    case refuse
    /// Connections are accepted and requests read, but nothing is ever answered.
    case hang
    case slow(Duration)
    /// `/health` answers 500 with this probability, drawn from a generator seeded with `seed`.
    case flaky(probability: Double, seed: UInt64)
    /// Bytes that are not HTTP, then the connection closes.
    case garbage
    /// `/health` answers 200 with a body that never ends, as fast as the client reads.
    case huge
    /// `/health` answers 200, then sends its body one byte every 100 ms, never finishing.
    case drip

    /// Parses `ok`, `status:503`, `refuse`, `hang`, `slow:800ms`, `flaky:0.2`, `flaky:0.2:42`, `garbage`, `huge`, `drip`.
    public init?(_ text: String) {
        let parts = text.split(separator: ":").map(String.init)
        switch (parts.first, parts.count) {
        case ("ok", 1): self = .ok
        case ("refuse", 1): self = .refuse
        case ("hang", 1): self = .hang
        case ("garbage", 1): self = .garbage
        case ("huge", 1): self = .huge
        case ("drip", 1): self = .drip
        case ("status", 2):
            guard let code = Int(parts[1]), (100...599).contains(code) else { return nil }
            self = .status(code)
        case ("slow", 2):
            guard let delay = DurationText.parse(parts[1]) else { return nil }
            self = .slow(delay)
        case ("flaky", 2), ("flaky", 3):
            guard let probability = Double(parts[1]), (0...1).contains(probability) else { return nil }
            let seed = parts.count == 3 ? UInt64(parts[2]) : 1
            guard let seed else { return nil }
            self = .flaky(probability: probability, seed: seed)
        default:
            return nil
        }
    }

    public var description: String {
        switch self {
        case .ok: "ok"
        case .status(let code): "status:\(code)"
        case .refuse: "refuse"
        case .hang: "hang"
        case .slow(let delay): "slow:\(DurationText.format(delay))"
        case .flaky(let probability, let seed): "flaky:\(probability):\(seed)"
        case .garbage: "garbage"
        case .huge: "huge"
        case .drip: "drip"
        }
    }
}
