/// Durations as people write them in configs and flags: `250ms`, `2s`, `1.5s`, `5m`, `2h`.
public enum DurationText {
    /// The longest duration Vigil takes anywhere (a config value, `pause --for`, a control
    /// request): 30 days. Longer is a mistake, and far longer would overflow.
    public static let maximum = Duration.seconds(30 * 24 * 3_600)

    /// nil when the text is not a number followed by one of `ms`, `s`, `m`, `h`, or is longer
    /// than `maximum`.
    public static func parse(_ text: String) -> Duration? {
        let units: [(suffix: String, milliseconds: Double)] = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000)]
        for unit in units where text.hasSuffix(unit.suffix) {
            let number = text.dropLast(unit.suffix.count)
            guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                let value = Double(number), value.isFinite
            else { continue }
            return milliseconds(value * unit.milliseconds)
        }
        return nil
    }

    /// A number of milliseconds as a duration, or nil when it is negative, not finite or longer
    /// than `maximum` (checked before any conversion that could trap).
    public static func milliseconds(_ value: Double) -> Duration? {
        guard value.isFinite, value >= 0, value <= Double(maximum.wholeMilliseconds) else { return nil }
        return .milliseconds(Int64(value.rounded()))
    }

    /// The shortest exact spelling: `250ms`, `2s`, `5m`.
    public static func format(_ duration: Duration) -> String {
        let milliseconds = duration.wholeMilliseconds
        if milliseconds % 3_600_000 == 0 && milliseconds != 0 { return "\(milliseconds / 3_600_000)h" }
        if milliseconds % 60_000 == 0 && milliseconds != 0 { return "\(milliseconds / 60_000)m" }
        if milliseconds % 1_000 == 0 { return "\(milliseconds / 1_000)s" }
        return "\(milliseconds)ms"
    }

    /// How long, in words for the public: `30 minutes`, `1 hour`, `90 minutes`, `2 hours`.
    public static func spoken(_ duration: Duration) -> String {
        let minutes = max(1, Int(duration.wholeMilliseconds / 60_000))
        func plural(_ count: Int, _ unit: String) -> String { "\(count) \(unit)\(count == 1 ? "" : "s")" }
        return minutes % 60 == 0 ? plural(minutes / 60, "hour") : plural(minutes, "minute")
    }

    /// How long, as people say it in a message: whole seconds under a minute, whole minutes
    /// under an hour (`30m`, not `30m2s`), hours and minutes beyond (`2h5m`).
    public static func roughly(_ duration: Duration) -> String {
        let seconds = max(0, duration.wholeMilliseconds / 1_000)
        if seconds < 60 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 60 { return "\(minutes)m" }
        return minutes % 60 == 0 ? "\(minutes / 60)h" : "\(minutes / 60)h\(minutes % 60)m"
    }
}
