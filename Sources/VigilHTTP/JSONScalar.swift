/// A JSON value that a health check can compare a field against.
public enum JSONScalar: Equatable, Sendable, CustomStringConvertible {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    /// The value as JSON writes it.
    public var description: String {
        switch self {
        case .string(let text): "\"\(text)\""
        case .number(let number): number.rounded() == number ? String(Int(number)) : String(number)
        case .bool(let flag): String(flag)
        case .null: "null"
        }
    }
}
