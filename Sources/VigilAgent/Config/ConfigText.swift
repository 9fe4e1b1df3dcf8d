import Foundation

/// The bytes of a config file as text, checked before any YAML is read: at most `maximumBytes`,
/// UTF-8 (with or without a byte order mark), and an invalid byte named by its line and column.
enum ConfigText {
    /// A Vigil config is a few kilobytes; a megabyte is a mistake or an attack.
    static let maximumBytes = 1 << 20

    static func decode(_ data: Data, file: String) throws(ConfigError) -> String {
        guard data.count <= maximumBytes else {
            throw ConfigError(
                file: file, line: 1, column: 1, keyPath: "",
                message: "the file is \(data.count) bytes; a config is at most \(maximumBytes) bytes (1 MiB)")
        }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var line = 1
        var column = 1
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var text = String.UnicodeScalarView()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                text.append(scalar)
                if scalar == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .emptyInput:
                return String(text)
            case .error:
                throw ConfigError(file: file, line: line, column: column, keyPath: "", message: "not UTF-8: an invalid byte here")
            }
        }
    }
}
