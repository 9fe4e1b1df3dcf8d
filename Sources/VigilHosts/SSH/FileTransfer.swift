/// How files reach a host over SSH: SFTP when the server offers it, otherwise commands on an
/// exec channel (`cat` to read; the bytes on stdin into a temporary file, synced, then `mv -f`).
public enum FileTransfer: String, Sendable, Equatable, CustomStringConvertible {
    case sftp
    case exec

    /// As `vigil config check --connect` says it.
    public var description: String {
        switch self {
        case .sftp: "files over SFTP"
        case .exec: "files over exec; SFTP not offered"
        }
    }
}
