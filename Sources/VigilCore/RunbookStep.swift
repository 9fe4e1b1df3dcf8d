/// One step of a runbook. Every step but the gate is an effect the driver runs and reports on.
public enum RunbookStep: Equatable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The team's pre-failover command; a failure aborts before anything changed.
    case preHook(to: Backend)
    /// Start the backend with its start command (skipped when it is already healthy).
    case start(Backend)
    /// Wait until the backend passes `rise` consecutive rounds in this attempt.
    case gate(Backend)
    /// Render, keep a backup, swap in atomically, `nginx -t`, reload, verify.
    case switchUpstream(loadBalancer: Int, to: UpstreamLayout)
    /// Put the load balancer's previous file back and reload.
    case rollback(loadBalancer: Int, to: UpstreamLayout)
    /// Stop the side that lost the traffic.
    case fence(Backend)
    case postHook(to: Backend)
    /// A drill keeps traffic on the backend for its hold while its health is watched.
    case hold(Backend)
    /// Waits for nginx's old workers to finish their requests before the side they served is
    /// stopped (a drill's fence), so no client request fails.
    case drain

    /// The step in words, as timelines show it.
    public var description: String {
        switch self {
        case .preHook(let target): "pre-hook (to \(target.rawValue))"
        case .start(let backend): "start \(backend.rawValue)"
        case .gate(let backend): "health gate of \(backend.rawValue)"
        case .switchUpstream(let index, let layout): "switch load balancer \(index) to \(layout)"
        case .rollback(let index, let layout): "roll load balancer \(index) back to \(layout)"
        case .fence(let backend): "fence \(backend.rawValue)"
        case .postHook(let target): "post-hook (to \(target.rawValue))"
        case .hold(let backend): "hold on \(backend.rawValue)"
        case .drain: "drain nginx's old workers"
        }
    }
}
