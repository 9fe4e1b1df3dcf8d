/// A member of the etcd cluster.
public struct EtcdMember: Sendable, Equatable {
    public var id: String
    public var name: String
    public var clientURLs: [String]
    public var isLearner: Bool
}
