/// How a transaction went: whether its conditions held, the revision after it, and what each
/// range request of the branch that ran found.
public struct EtcdTxnResult: Sendable {
    public var succeeded: Bool
    public var revision: Int64
    /// The keys each `range` operation of the branch that ran found, in order.
    public var ranges: [[EtcdKeyValue]]
}
