import CLibSSH2

/// Process-wide libssh2 set-up and helpers shared by sessions.
enum LibSSH2 {
    /// `libssh2_init` once per process, before the first session.
    static let initializeOnce: Void = {
        let status = libssh2_init(0)
        precondition(status == 0, "libssh2_init failed: \(status)")
    }()

    /// The session's last error: code and libssh2's message.
    static func lastError(_ session: OpaquePointer) -> (code: Int32, message: String) {
        var message: UnsafeMutablePointer<CChar>?
        var length: Int32 = 0
        let code = libssh2_session_last_error(session, &message, &length, 0)
        return (code, message.map { String(cString: $0) } ?? "")
    }
}
