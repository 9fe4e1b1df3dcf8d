/// A lease: keys put under it go when it expires or is revoked.
public struct EtcdLease: Sendable, Equatable {
    public var id: Int64
    /// Its time to live, in seconds, as etcd granted it.
    public var ttl: Int
}
