/// What one load balancer's upstream file names: the active server and an optional backup.
public struct UpstreamLayout: Equatable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var active: Backend
    public var backup: Backend?

    public init(active: Backend, backup: Backend? = nil) {
        self.active = active
        self.backup = backup
    }

    public var description: String { backup.map { "\(active.rawValue) (backup \($0.rawValue))" } ?? active.rawValue }
}
