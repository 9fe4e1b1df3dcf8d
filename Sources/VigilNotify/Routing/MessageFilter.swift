import VigilCore

/// Which messages a channel (or one service's use of a channel) gets: the listed kinds and/or
/// those of at least a severity. Empty lets everything through. An all-clear passes wherever
/// the problem it clears passes, and an acknowledgement wherever the incident's start did.
public struct MessageFilter: Sendable, Equatable {
    /// Only these kinds, when set.
    public var kinds: Set<MessageKind>?
    /// Only kinds of at least this severity, when set.
    public var minimumSeverity: MessageSeverity?

    public init(kinds: Set<MessageKind>? = nil, minimumSeverity: MessageSeverity? = nil) {
        self.kinds = kinds
        self.minimumSeverity = minimumSeverity
    }

    public static let everything = MessageFilter()

    public func accepts(_ kind: MessageKind) -> Bool {
        if admits(kind) { return true }
        return kind.followsRoutesOf.map(admits) ?? false
    }

    private func admits(_ kind: MessageKind) -> Bool {
        if let kinds, !kinds.contains(kind) { return false }
        if let minimumSeverity, kind.severity < minimumSeverity { return false }
        return true
    }
}
