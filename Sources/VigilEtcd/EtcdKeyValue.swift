/// A key and its value as etcd keeps them.
public struct EtcdKeyValue: Sendable, Equatable {
    public var key: String
    public var value: [UInt8]
    public var createRevision: Int64
    public var modRevision: Int64
    public var version: Int64
    /// The lease it is held under (0: none).
    public var lease: Int64

    public var text: String { String(decoding: value, as: UTF8.self) }

    init(json: [String: Any]) {
        key = String(decoding: EtcdJSON.bytes(json["key"]), as: UTF8.self)
        value = EtcdJSON.bytes(json["value"])
        createRevision = EtcdJSON.int(json["create_revision"])
        modRevision = EtcdJSON.int(json["mod_revision"])
        version = EtcdJSON.int(json["version"])
        lease = EtcdJSON.int(json["lease"])
    }
}
