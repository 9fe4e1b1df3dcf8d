import CYaml

/// Reads the YAML's events before any tree is built, and refuses what would make a tree too
/// big to build: aliases that expand past `maximumNodes` or nest past `maximumDepth` (a
/// "billion laughs" of a kilobyte once kept `config check` busy for half a minute), and an alias
/// used as a mapping key (which Yams compares whole, however large).
enum YAMLBudget {
    static let maximumNodes = 100_000
    static let maximumDepth = 64

    /// A collection being read: how many values it holds when expanded, and how deep it goes.
    private struct Open {
        var anchor: String?
        var isMapping: Bool
        var nodes = 1
        var height = 1
        /// In a mapping, whether the next node is a key.
        var expectingKey = true
    }

    static func check(_ text: String, file: String) throws(ConfigError) {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw ConfigError(file: file, line: 1, column: 1, keyPath: "", message: "cannot start the YAML reader (out of memory)")
        }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        try bytes.withUnsafeMutableBufferPointer { (buffer) throws(ConfigError) in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            try walk(&parser, file: file)
        }
    }

    private static func walk(_ parser: inout yaml_parser_t, file: String) throws(ConfigError) {
        var anchors: [String: (nodes: Int, height: Int)] = [:]
        var stack: [Open] = []
        var total = 0
        while true {
            var event = yaml_event_t()
            // A YAML error is left to the composer, which says where and why.
            guard yaml_parser_parse(&parser, &event) == 1 else { return }
            defer { yaml_event_delete(&event) }
            let location = (line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
            func refuse(_ message: String) -> ConfigError {
                ConfigError(file: file, line: location.line, column: location.column, keyPath: "", message: message)
            }
            /// Counts a value (scalar, alias or collection) that starts here, expanded.
            func count(nodes: Int, height: Int) throws(ConfigError) {
                total += nodes
                guard total <= maximumNodes else {
                    throw refuse("the YAML expands to more than \(maximumNodes) values through aliases; write it out instead")
                }
                guard stack.count + height <= maximumDepth else { throw refuse("the YAML nests deeper than \(maximumDepth) levels") }
            }
            /// A finished value goes into its parent, as a key or a value.
            func finish(nodes: Int, height: Int, isAlias: Bool) throws(ConfigError) {
                guard var parent = stack.popLast() else { return }
                if parent.isMapping {
                    if parent.expectingKey && isAlias { throw refuse("an alias (*name) cannot be a key") }
                    parent.expectingKey.toggle()
                }
                parent.nodes += nodes
                parent.height = max(parent.height, height + 1)
                stack.append(parent)
            }
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return
            case YAML_SCALAR_EVENT:
                try count(nodes: 1, height: 1)
                if let anchor = name(event.data.scalar.anchor) { anchors[anchor] = (1, 1) }
                try finish(nodes: 1, height: 1, isAlias: false)
            case YAML_ALIAS_EVENT:
                let target = name(event.data.alias.anchor).flatMap { anchors[$0] } ?? (nodes: 1, height: 1)
                try count(nodes: target.nodes, height: target.height)
                try finish(nodes: target.nodes, height: target.height, isAlias: true)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                try count(nodes: 1, height: 1)
                let isMapping = event.type == YAML_MAPPING_START_EVENT
                let anchor = isMapping ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
                stack.append(Open(anchor: name(anchor), isMapping: isMapping))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let closed = stack.popLast() else { return }
                if let anchor = closed.anchor { anchors[anchor] = (closed.nodes, closed.height) }
                try finish(nodes: closed.nodes, height: closed.height, isAlias: false)
            default:
                continue
            }
        }
    }

    private static func name(_ anchor: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        anchor.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
    }
}
