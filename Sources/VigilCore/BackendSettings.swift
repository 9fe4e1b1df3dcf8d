/// What the core needs to know of one backend; addresses, probes and commands are the agent's.
public struct BackendSettings: Equatable, Hashable, Sendable, Codable {
    /// The backend has a start command (a cold standby always does).
    public var canStart: Bool
    /// The backend has a stop command, used to fence it once traffic has left it.
    public var canStop: Bool
    /// Its health is checked while the other side serves (a cold standby through a cheap check,
    /// or not at all).
    public var watchedWhileIdle: Bool

    /// A backend's abilities.
    /// - Parameters:
    ///   - canStart: it has a start command.
    ///   - canStop: it has a stop command (fencing).
    ///   - watchedWhileIdle: its checks run while it does not serve.
    public init(canStart: Bool = false, canStop: Bool = false, watchedWhileIdle: Bool = true) {
        self.canStart = canStart
        self.canStop = canStop
        self.watchedWhileIdle = watchedWhileIdle
    }
}
