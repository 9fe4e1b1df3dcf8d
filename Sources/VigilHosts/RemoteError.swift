import VigilCore

/// A failed remote action, as a value: what kind of failure, on which host, libssh2's own code
/// and message where it came from libssh2. It never contains a passphrase or file contents.
public struct RemoteError: Error, Equatable, Sendable, CustomStringConvertible {
    public var kind: RemoteFailureKind
    /// `user@host:port` for SSH, `local` for the local host.
    public var host: String
    public var message: String
    /// libssh2's `LIBSSH2_ERROR_*` code (or an SFTP status) when libssh2 reported the failure.
    public var libraryCode: Int?

    public init(_ kind: RemoteFailureKind, host: String, _ message: String, libraryCode: Int? = nil) {
        self.kind = kind
        self.host = host
        self.message = message
        self.libraryCode = libraryCode
    }

    public var description: String {
        let code = libraryCode.map { " (libssh2 code \($0))" } ?? ""
        return "\(host): \(kind.rawValue): \(message)\(code)"
    }
}
