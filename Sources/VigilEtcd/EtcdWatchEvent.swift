/// A change a watch saw.
public struct EtcdWatchEvent: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case put, delete
    }

    public var kind: Kind
    /// The key after a put, or the key as deleted (its value empty).
    public var keyValue: EtcdKeyValue
}
