/// POSIX shell quoting: the word between single quotes, each `'` written as `'\''`.
public func shellQuote(_ word: String) -> String {
    "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
