/// An nginx config text cut into its statements, the way nginx reads them: `#` comments dropped,
/// a statement ends at `;` or opens a block at `{`, and quotes keep their content whole. Enough to
/// check a rendered upstream file, not a general nginx parser.
struct NginxStatements {
    struct Statement: Equatable {
        var words: [String]
        /// It opens a block (`upstream shop {`) rather than ending with `;`.
        var opensBlock: Bool
    }

    private(set) var statements: [Statement] = []
    /// Text that never ended in `;` or `{`, or a `}` without its `{`: nginx would refuse it.
    private(set) var malformed = false

    init(_ text: String) {
        var words: [String] = []
        var word = ""
        var quote: Character?
        var comment = false
        var depth = 0
        func endWord() {
            if !word.isEmpty { words.append(word) }
            word = ""
        }
        for character in text {
            if comment {
                if character == "\n" { comment = false }
                continue
            }
            if let open = quote {
                if character == open { quote = nil } else { word.append(character) }
                continue
            }
            switch character {
            case "\"", "'":
                quote = character
            case "#":
                endWord()
                comment = true
            case ";", "{":
                endWord()
                statements.append(Statement(words: words, opensBlock: character == "{"))
                words = []
                if character == "{" { depth += 1 }
            case "}":
                endWord()
                if !words.isEmpty || depth == 0 { malformed = true }
                depth -= 1
            case " ", "\t", "\n", "\r":
                endWord()
            default:
                word.append(character)
            }
        }
        endWord()
        if !words.isEmpty || depth != 0 || quote != nil { malformed = true }
    }
}
