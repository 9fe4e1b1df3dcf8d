/// How the runbook runs. Every step has a deadline; hooks and fencing are optional.
public struct RunbookSettings: Equatable, Hashable, Sendable, Codable {
    /// The deadline of each step that runs a command (hook, start, switch, rollback, fence).
    public var stepTimeout: Duration = .seconds(30)
    /// How long the target may take to pass its health gate.
    public var startTimeout: Duration = .seconds(60)
    /// A pre-hook command is configured (run before anything changes).
    public var preHook: Bool = false
    /// A post-hook command is configured (run after traffic moved).
    public var postHook: Bool = false
    /// Stop the side that lost the traffic, with its stop command.
    public var fenceOldActive: Bool = false
    /// A stuck runbook is retried this long after it failed; nil: only by an operator.
    public var retryInterval: Duration? = .seconds(60)
    /// While an incident stays open, remind at this interval; nil: never (the default).
    public var reminderInterval: Duration?
    /// The recovery time objective incidents are measured against.
    public var recoveryTimeObjective: Duration?
    /// How long a drill waits, once traffic is back on the primary, before it fences the
    /// standby: nginx's old workers finish the requests they hold meanwhile.
    public var drainTime: Duration = .seconds(10)

    /// The defaults documented in `deploy/vigil.example.yaml`.
    public init() {}
}
