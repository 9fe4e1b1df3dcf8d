/// One request inside a transaction.
public enum EtcdOperation: Sendable {
    case put(key: String, value: [UInt8], lease: Int64?)
    case range(key: String, prefix: Bool)
    case delete(key: String, prefix: Bool)

    var json: [String: Any] {
        switch self {
        case .put(let key, let value, let lease):
            var put: [String: Any] = ["key": EtcdJSON.base64(key), "value": EtcdJSON.base64(value)]
            if let lease { put["lease"] = String(lease) }
            return ["request_put": put]
        case .range(let key, let prefix):
            return ["request_range": EtcdJSON.keyRange(key, prefix: prefix)]
        case .delete(let key, let prefix):
            return ["request_delete_range": EtcdJSON.keyRange(key, prefix: prefix)]
        }
    }
}
