extension String {
    /// The text safe inside HTML elements and quoted attributes: `& < > " '` as entities. One
    /// escaper for the status page, mail and Telegram, so none of them lets markup through.
    public var escapingHTML: String {
        var escaped = ""
        for character in self {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
