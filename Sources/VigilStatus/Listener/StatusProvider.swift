/// What the listener serves from: the running agent answers with its live state. The agent
/// implements it, so the listener knows nothing of drivers or services.
public protocol StatusProvider: Sendable {
    /// The status document (`/status.json`, and the page rendered from it).
    func document() async -> StatusDocument
    /// The public document (the public listener's `/status.json`, and its page).
    func publicDocument() async -> PublicStatusDocument
    /// The Prometheus exposition (`/metrics`).
    func metrics() async -> String
    /// True when every part of the agent answers (`/healthz`).
    func responsive() async -> Bool
}
