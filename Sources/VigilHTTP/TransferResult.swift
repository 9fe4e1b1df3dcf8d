import VigilCore

/// What libcurl reported when a transfer ended, before any judgement of health.
struct TransferResult: Sendable {
    /// libcurl's `CURLcode`; 0 is success.
    var code: Int
    var message: String
    /// The OS error of the last connect (`ECONNREFUSED` tells a refusal from other failures).
    var osErrno: Int32
    var status: Int
    var timings: ProbeTimings
    var body: [UInt8]
    var bodyCut: Bool
    var headers: [(name: String, value: String)]
    /// How far the exchange got, for naming the phase of a timeout.
    var phaseReached: TimeoutPhase
}
