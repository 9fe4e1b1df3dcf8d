import VigilCore

/// What the driver asks of the world, one call per kind of effect. The agent implements it with
/// libcurl probes, the upstream switch, SSH commands, the outbox and the state store; tests with
/// recording fakes. Every call returns an outcome value; none throws but `persist`.
public protocol ServiceActions: Sendable {
    /// Runs every probe of the backend once.
    func probe(_ backend: Backend) async -> [ProbeOutcome]
    /// Runs one runbook step within its own deadline.
    func run(_ step: RunbookStep) async -> StepOutcome
    /// Queues a message; returns at once.
    func notify(_ message: Message) async
    /// Writes the snapshot durably before the effects after it run.
    func persist(_ snapshot: ServiceSnapshot) async throws
    /// Reads every load balancer's upstream file, in order.
    func observeUpstreams() async -> [UpstreamObservation]
    /// One round trip to the SSH host the core calls `host` (a new connection and handshake when
    /// the session is gone); nil when it answered, else the cause.
    func checkHost(_ host: String) async -> String?
    /// Checks without moving traffic everything a failover needs; what would fail, in words.
    func preflight() async -> [String]
}
