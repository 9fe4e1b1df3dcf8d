/// What one load balancer's upstream file names: the active server and an optional backup.
public struct UpstreamLayout: Equatable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The backend that takes the traffic.
    public var active: Backend
    /// A backend listed as nginx `backup`, tried only when the active one fails a request.
    public var backup: Backend?

    /// A layout serving `active`, with `backup` behind it.
    public init(active: Backend, backup: Backend? = nil) {
        self.active = active
        self.backup = backup
    }

    /// `primary`, or `primary (backup standby)`.
    public var description: String { backup.map { "\(active.rawValue) (backup \($0.rawValue))" } ?? active.rawValue }
}
