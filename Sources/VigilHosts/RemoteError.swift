import VigilCore

/// A failed remote action, as a value: what kind of failure, on which host, libssh2's own code
/// and message where it came from libssh2. It never contains a passphrase or file contents.
public struct RemoteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The failure, as the state machine reasons about it.
    public var kind: RemoteFailureKind
    /// `user@host:port` for SSH, `local` for the local host.
    public var host: String
    /// What happened, with the library's own words.
    public var message: String
    /// libssh2's `LIBSSH2_ERROR_*` code (or an SFTP status) when libssh2 reported the failure.
    public var libraryCode: Int?

    /// An error of `kind` on `host`, with the library's code when there is one.
    public init(_ kind: RemoteFailureKind, host: String, _ message: String, libraryCode: Int? = nil) {
        self.kind = kind
        self.host = host
        self.message = message
        self.libraryCode = libraryCode
    }

    /// `host: message`.
    public var description: String {
        let code = libraryCode.map { " (libssh2 code \($0))" } ?? ""
        return "\(host): \(kind.rawValue): \(message)\(code)"
    }
}
