extension String {
    /// The text with every control character written out (`\n`, `\t`, `\u{0}`, ...), for logs,
    /// messages and pages: what an operator typed is kept as given, but a newline in it can
    /// never forge a log line and a NUL never reaches a log raw.
    public var escapingControlCharacters: String {
        var escaped = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case "\u{0}"..."\u{1F}", "\u{7F}"..."\u{9F}", "\u{2028}", "\u{2029}":
                escaped += "\\u{\(String(scalar.value, radix: 16))}"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
