import Foundation
import VigilNotify

/// Where a secret comes from, so it never has to sit in the config file itself.
public enum SecretSource: Sendable, Equatable {
    /// Written in the config (allowed, not recommended).
    case value(String)
    /// A file of its own, readable by its owner only; one trailing newline is ignored.
    case file(String)
    /// An environment variable (for systemd's `LoadCredential` or an `EnvironmentFile`).
    case environment(String)

    public struct LoadError: Error, Equatable, CustomStringConvertible {
        public var description: String
    }

    public func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Secret {
        switch self {
        case .value(let value):
            return Secret(value)
        case .environment(let name):
            guard let value = environment[name], !value.isEmpty else {
                throw LoadError(description: "the environment variable \(name) is not set")
            }
            return Secret(value)
        case .file(let path):
            // stat, not lstat: a symlink (systemd's credentials are links) is judged by the file it names.
            var status = stat()
            guard stat(path, &status) == 0, let contents = FileManager.default.contents(atPath: path) else {
                throw LoadError(description: "the secret file \(path) does not exist or cannot be read")
            }
            let mode = Int(status.st_mode) & 0o777
            guard mode & 0o077 == 0 else {
                throw LoadError(
                    description: "the secret file \(path) can be read by other users (mode "
                        + String(mode, radix: 8) + "); run `chmod 600 \(path)`")
            }
            var text = String(decoding: contents, as: UTF8.self)
            if text.hasSuffix("\n") { text.removeLast() }
            guard !text.isEmpty else { throw LoadError(description: "the secret file \(path) is empty") }
            return Secret(text)
        }
    }
}
