/// Told of every delivery attempt, by channel name. The runtime hands one in that feeds the
/// metrics, so notification code needs no status code.
public typealias DeliveryObserver = @Sendable (_ channel: String, _ outcome: DeliveryOutcome) -> Void
