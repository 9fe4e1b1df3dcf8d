/// Why the lab could not give a test what it asked for.
public enum LabError: Error, CustomStringConvertible {
    /// A program the lab runs is not installed.
    case missingProgram(String, package: String)
    case commandFailed(String, status: Int32, output: String)
    case notReady(String, log: String)
    case timedOut(String)

    public static let setupCommand = "sudo scripts/setup.sh"

    public var description: String {
        switch self {
        case .missingProgram(let program, let package):
            "\(program) is not installed (Debian package \(package)); run `\(Self.setupCommand)` to install what the tests need"
        case .commandFailed(let command, let status, let output):
            "`\(command)` exited with \(status): \(output)"
        case .notReady(let what, let log):
            "\(what) did not become ready; its log says: \(log)"
        case .timedOut(let what):
            "timed out waiting for \(what)"
        }
    }
}
