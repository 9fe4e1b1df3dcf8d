/// One condition of a transaction, on one key.
public struct EtcdCompare: Sendable {
    public enum Target: Sendable {
        /// The revision that created the key; 0: the key does not exist.
        case createRevision(Int64)
        /// The revision of its last change.
        case modRevision(Int64)
        case value([UInt8])
    }

    public enum Result: String, Sendable {
        case equal = "EQUAL"
        case greater = "GREATER"
        case less = "LESS"
        case notEqual = "NOT_EQUAL"
    }

    public var key: String
    public var target: Target
    public var result: Result

    public init(key: String, _ target: Target, _ result: Result = .equal) {
        self.key = key
        self.target = target
        self.result = result
    }

    /// The key does not exist (the election's condition).
    public static func absent(_ key: String) -> EtcdCompare { EtcdCompare(key: key, .createRevision(0)) }

    var json: [String: Any] {
        var body: [String: Any] = ["key": EtcdJSON.base64(key), "result": result.rawValue]
        switch target {
        case .createRevision(let revision):
            body["target"] = "CREATE"
            body["create_revision"] = String(revision)
        case .modRevision(let revision):
            body["target"] = "MOD"
            body["mod_revision"] = String(revision)
        case .value(let value):
            body["target"] = "VALUE"
            body["value"] = EtcdJSON.base64(value)
        }
        return body
    }
}
