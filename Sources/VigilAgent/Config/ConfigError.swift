/// A config problem, located: `FILE:LINE:COLUMN: KEY.PATH: what is wrong`.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var keyPath: String
    public var message: String

    public var description: String {
        "\(file):\(line):\(column): \(keyPath.isEmpty ? "" : "\(keyPath): ")\(message)"
    }
}
