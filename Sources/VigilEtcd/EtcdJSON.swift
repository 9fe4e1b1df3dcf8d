import Foundation

/// The gateway's JSON: keys and values in base64, int64 as strings, zero values left out.
enum EtcdJSON {
    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
    static func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    static func bytes(_ value: Any?) -> [UInt8] {
        guard let text = value as? String, let data = Data(base64Encoded: text) else { return [] }
        return [UInt8](data)
    }

    /// An int64 as the gateway writes it (a string), or 0 when it was left out.
    static func int(_ value: Any?) -> Int64 {
        if let text = value as? String { return Int64(text) ?? 0 }
        if let number = value as? NSNumber { return number.int64Value }
        return 0
    }

    /// `key`, or every key under it: etcd's range end is the prefix with its last byte plus one.
    static func keyRange(_ key: String, prefix: Bool) -> [String: Any] {
        var range: [String: Any] = ["key": base64(key)]
        guard prefix else { return range }
        var end = Array(key.utf8)
        while let last = end.last, last == 0xFF { end.removeLast() }
        if end.isEmpty {
            range["range_end"] = base64([0])  // every key
        } else {
            end[end.count - 1] += 1
            range["range_end"] = base64(end)
        }
        return range
    }
}
