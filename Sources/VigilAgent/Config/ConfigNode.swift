import Foundation
import VigilCore
import VigilHTTP
import Yams

/// A YAML node with where it came from, read strictly: every value has one type, every mapping
/// a known set of keys, and every mistake is an error at its line and column.
struct ConfigNode {
    let node: Node
    let path: String
    let file: String

    func error(_ message: String, at other: Node? = nil) -> ConfigError {
        let mark = (other ?? node).mark
        return ConfigError(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, keyPath: path, message: message)
    }

    private func child(_ key: String, _ value: Node) -> ConfigNode {
        ConfigNode(node: value, path: path.isEmpty ? key : "\(path).\(key)", file: file)
    }

    /// The mapping's values by key; a key outside `allowed` is an error at that key.
    func mapping(allowed: Set<String>) throws(ConfigError) -> ConfigMapping {
        guard let mapping = node.mapping else { throw error("expected a mapping of keys") }
        var values: [String: ConfigNode] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string else { throw error("a key must be a plain string", at: key) }
            guard allowed.contains(name) else {
                throw ConfigError(
                    file: file, line: key.mark?.line ?? 1, column: key.mark?.column ?? 1,
                    keyPath: path.isEmpty ? name : "\(path).\(name)",
                    message: "unknown key (known here: \(allowed.sorted().joined(separator: ", ")))")
            }
            values[name] = child(name, value)
        }
        return ConfigMapping(owner: self, values: values)
    }

    /// Every entry of a mapping whose keys are names; `checked` holds them to `name()`'s rule
    /// (services, channels: they become file names).
    func namedEntries(checked: Bool = false) throws(ConfigError) -> [(name: String, node: ConfigNode)] {
        guard let mapping = node.mapping else { throw error("expected a mapping of names") }
        var entries: [(String, ConfigNode)] = []
        for (key, value) in mapping {
            guard let name = key.scalar?.string, !name.isEmpty else { throw error("a name must be a plain string", at: key) }
            if checked, let problem = Self.nameProblem(name) { throw child(name, value).error(problem, at: key) }
            entries.append((name, child(name, value)))
        }
        return entries
    }

    func list() throws(ConfigError) -> [ConfigNode] {
        guard let sequence = node.sequence else { throw error("expected a list") }
        return sequence.enumerated().map { index, value in
            ConfigNode(node: value, path: "\(path)[\(index)]", file: file)
        }
    }

    var isMapping: Bool { node.mapping != nil }

    /// One value or a list of them (`to: a@x` or `to: [a@x, b@x]`).
    func scalarOrList() throws(ConfigError) -> [ConfigNode] {
        node.sequence == nil ? [self] : try list()
    }

    func string() throws(ConfigError) -> String {
        guard let scalar = node.scalar else { throw error("expected a string") }
        return scalar.string
    }

    func int(min: Int? = nil, max: Int? = nil) throws(ConfigError) -> Int {
        guard let text = node.scalar?.string, let value = Int(text) else { throw error("expected a whole number") }
        if let min, value < min { throw error("must be at least \(min), not \(value)") }
        if let max, value > max { throw error("must be at most \(max), not \(value)") }
        return value
    }

    /// A name that becomes part of file names, nginx files and metrics labels: letters, digits,
    /// `_`, `.` and `-`, and not `.` or `..`.
    func name() throws(ConfigError) -> String {
        let text = try string()
        if let problem = Self.nameProblem(text) { throw error(problem) }
        return text
    }

    /// What is wrong with `text` as a name (see `name()`), or nil.
    static func nameProblem(_ text: String) -> String? {
        let allowed = text.unicodeScalars.allSatisfy { isASCIIAlphanumeric($0) || "_.-".unicodeScalars.contains($0) }
        guard text.isEmpty || !allowed || text == "." || text == ".." else { return nil }
        return "a name is letters, digits, _, . and - only (it goes into file names and nginx files), not \"\(text.escapingControlCharacters)\""
    }

    /// A-Z, a-z, 0-9: what names, header names and host labels are made of (with a few marks).
    static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && CharacterSet.alphanumerics.contains(scalar)
    }

    /// An http:// or https:// URL that libcurl can use.
    func url() throws(ConfigError) -> String {
        let text = try string()
        if let problem = URLCheck.problem(in: text) { throw error(problem) }
        return text
    }

    /// `HOST:PORT` or `[IPv6]:PORT`.
    func address(ports: ClosedRange<Int> = 1...65_535) throws(ConfigError) -> NetworkAddress {
        let text = try string()
        guard let address = NetworkAddress.parse(text, ports: ports) else {
            throw error("expected HOST:PORT or [IPv6]:PORT with a host name or IP address and a port from \(ports.lowerBound) to 65535")
        }
        return address
    }

    /// An absolute path.
    func absolutePath() throws(ConfigError) -> String {
        let text = try string()
        guard text.hasPrefix("/"), !text.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw error("expected an absolute path (starting with /)")
        }
        return text
    }

    func bool() throws(ConfigError) -> Bool {
        switch node.scalar?.string {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false")
        }
    }

    func duration(allowZero: Bool = false) throws(ConfigError) -> Duration {
        guard let text = node.scalar?.string, let value = DurationText.parse(text) else {
            throw error("expected a duration such as 500ms, 2s, 5m or 1h, at most \(DurationText.format(DurationText.maximum)) (30 days)")
        }
        if !allowZero && value == .zero { throw error("must be longer than zero") }
        return value
    }
}

/// A mapping's values, with the owner kept for "missing key" errors.
struct ConfigMapping {
    let owner: ConfigNode
    let values: [String: ConfigNode]

    subscript(_ key: String) -> ConfigNode? { values[key] }

    func required(_ key: String) throws(ConfigError) -> ConfigNode {
        guard let value = values[key] else {
            throw ConfigError(
                file: owner.file, line: owner.node.mark?.line ?? 1, column: owner.node.mark?.column ?? 1,
                keyPath: owner.path.isEmpty ? key : "\(owner.path).\(key)", message: "missing (it is required)")
        }
        return value
    }
}
