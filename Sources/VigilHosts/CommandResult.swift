/// How a remote (or local) command ended, with everything it wrote. Output is decoded only on
/// request, after the whole stream was read.
public struct CommandResult: Equatable, Sendable {
    /// The exit status, or nil when the command was ended by a signal.
    public var exitStatus: Int32?
    /// The signal that ended the command (`TERM`, `KILL`, ...).
    public var signal: String?
    /// What the command wrote to stdout, up to the limit.
    public var stdout: [UInt8]
    /// What the command wrote to stderr, up to the limit.
    public var stderr: [UInt8]
    /// Output past the cap is read and dropped, so a chatty command cannot exhaust memory.
    public var outputTruncated: Bool

    /// A command's end, as the host reported it.
    public init(exitStatus: Int32?, signal: String?, stdout: [UInt8], stderr: [UInt8], outputTruncated: Bool = false) {
        self.exitStatus = exitStatus
        self.signal = signal
        self.stdout = stdout
        self.stderr = stderr
        self.outputTruncated = outputTruncated
    }

    /// It exited with status 0.
    public var succeeded: Bool { exitStatus == 0 }
    /// stdout as UTF-8 (invalid bytes replaced).
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    /// stderr as UTF-8 (invalid bytes replaced).
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }

    /// The last lines of what the command said, for error messages and timelines.
    /// A failure explains itself on stderr; a success says what it did on stdout.
    public func tail(lines: Int = 5) -> String {
        let text = succeeded ? (stdout.isEmpty ? stderrText : stdoutText) : (stderr.isEmpty ? stdoutText : stderrText)
        return text.split(separator: "\n", omittingEmptySubsequences: true).suffix(lines).joined(separator: "\n")
    }
}
