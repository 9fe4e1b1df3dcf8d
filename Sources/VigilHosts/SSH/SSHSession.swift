import CLibSSH2
import Foundation
import VigilCore

/// One authenticated libssh2 session over one TCP connection. Every call blocks, so it is used
/// only from its connection's own serial queue, never from Swift's cooperative pool. Once
/// `isBroken`, it is discarded; it is never repaired.
final class SSHSession {
    let target: SSHTarget
    private let socket: Int32
    private let session: OpaquePointer
    private var sftp: OpaquePointer?
    /// Whether the server offers SFTP, once asked (nil: not yet).
    private var sftpOffered: Bool?
    private(set) var isBroken = false
    private var peer: String { target.peer }

    init(target: SSHTarget) throws(RemoteError) {
        LibSSH2.initializeOnce
        self.target = target
        let keyFile = try SSHKeyFile.inspect(target.identityFile, peer: target.peer)
        socket = try TCPConnector.connect(
            host: target.host, port: target.port, timeout: target.connectTimeout,
            peer: target.peer)
        guard let session = vigil_libssh2_session_init() else {
            close(socket)
            throw RemoteError(.protocolError, host: target.peer, "libssh2_session_init failed")
        }
        self.session = session
        libssh2_session_set_blocking(session, 1)
        libssh2_session_set_timeout(session, Int(max(1, target.operationTimeout.wholeMilliseconds)))
        do {
            try handshake()
            try KnownHosts.verify(session: session, target: target)
            try authenticate(keyFile: keyFile)
        } catch {
            discard()
            throw error
        }
        if let interval = target.keepaliveInterval {
            libssh2_keepalive_config(session, 1, UInt32(max(1, interval.wholeMilliseconds / 1_000)))
        }
    }

    deinit { discard() }

    private func handshake() throws(RemoteError) {
        let status = libssh2_session_handshake(session, socket)
        guard status != 0 else { return }
        let (code, message) = LibSSH2.lastError(session)
        let kind: RemoteFailureKind = code == LIBSSH2_ERROR_TIMEOUT ? .timeout : .handshakeFailed
        let hint = code == LIBSSH2_ERROR_TIMEOUT ? "the peer sent no SSH greeting in time" : "the peer does not speak SSH or the key exchange failed"
        throw RemoteError(kind, host: peer, "\(hint): \(message)", libraryCode: Int(code))
    }

    private func authenticate(keyFile: SSHKeyFile) throws(RemoteError) {
        let status = vigil_libssh2_userauth_publickey_fromfile(session, target.user, nil, target.identityFile, target.passphrase)
        guard status != 0 else { return }
        let (code, message) = LibSSH2.lastError(session)
        switch code {
        case LIBSSH2_ERROR_TIMEOUT:
            throw RemoteError(.timeout, host: peer, "authentication did not finish in time", libraryCode: Int(code))
        case LIBSSH2_ERROR_FILE:
            throw RemoteError(
                .keyFileUnusable, host: peer,
                "cannot use identity file \(target.identityFile): wrong passphrase or unsupported key format (\(message))",
                libraryCode: Int(code))
        case LIBSSH2_ERROR_AUTHENTICATION_FAILED, LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED:
            if keyFile.algorithm == "ssh-rsa" {
                throw RemoteError(
                    .authenticationFailed, host: peer,
                    "the server refused RSA key \(target.identityFile): libssh2 1.10 signs RSA keys only with "
                        + "SHA-1 (ssh-rsa), which OpenSSH 8.8 and later refuse. Use an ed25519 key "
                        + "(ssh-keygen -t ed25519), or allow `PubkeyAcceptedAlgorithms +ssh-rsa` on the server",
                    libraryCode: Int(code))
            }
            throw RemoteError(
                .authenticationFailed, host: peer,
                "the server refused key \(target.identityFile) for user \(target.user) "
                    + "(is its public half in that user's authorized_keys?)", libraryCode: Int(code))
        default:
            throw RemoteError(
                .authenticationFailed, host: peer, "public-key authentication failed: \(message)",
                libraryCode: Int(code))
        }
    }

    /// Tears the connection down without waiting for the peer: after a deadline, a polite
    /// disconnect or channel close could block for as long as the remote command runs.
    func abandon() {
        guard !isBroken else { return }
        isBroken = true
        shutdown(socket, Int32(SHUT_RDWR))
    }

    private var discarded = false

    private func discard() {
        guard !discarded else { return }
        discarded = true
        if !isBroken {
            if let sftp { libssh2_sftp_shutdown(sftp) }
            _ = vigil_libssh2_session_disconnect(session, "vigil closing")
        }
        isBroken = true
        libssh2_session_set_blocking(session, 0)  // after a shutdown nothing may wait on the peer
        shutdown(socket, Int32(SHUT_RDWR))
        libssh2_session_free(session)
        close(socket)
    }

    /// Sends a keepalive if one is due; a failure marks the session broken.
    func sendKeepalive() {
        guard !isBroken else { return }
        var next: Int32 = 0
        if libssh2_keepalive_send(session, &next) != 0 { abandon() }
    }

    // MARK: Errors

    /// The session's last error as a value. Socket-level failures mean the session is gone.
    func failure(_ what: String, sent: Bool) -> RemoteError {
        let (code, message) = LibSSH2.lastError(session)
        let socketLevel = [
            LIBSSH2_ERROR_SOCKET_SEND, LIBSSH2_ERROR_SOCKET_RECV, LIBSSH2_ERROR_SOCKET_DISCONNECT,
            LIBSSH2_ERROR_SOCKET_TIMEOUT, LIBSSH2_ERROR_TIMEOUT, LIBSSH2_ERROR_BAD_SOCKET,
            LIBSSH2_ERROR_SOCKET_NONE, LIBSSH2_ERROR_DECRYPT, LIBSSH2_ERROR_INVALID_MAC,
        ].contains(code)
        if socketLevel || isBroken {
            abandon()
            if sent {
                return RemoteError(
                    .outcomeUnknown, host: peer,
                    "the session dropped while \(what); the command may or may not have run: \(message)",
                    libraryCode: Int(code))
            }
            return RemoteError(.sessionLost, host: peer, "the session dropped while \(what): \(message)", libraryCode: Int(code))
        }
        return RemoteError(.protocolError, host: peer, "\(what) failed: \(message)", libraryCode: Int(code))
    }

    // MARK: Exec

    /// Runs a command, reading stdout and stderr together (reading one to its end first can
    /// deadlock when the other fills its window). On the deadline the session is abandoned.
    /// `sent` turns true once the command may have reached the server.
    /// Runs `command`; `stdin`, when given, is written to it and then closed (end of file).
    func exec(
        _ command: String, stdin: [UInt8] = [], deadline: ContinuousClock.Instant, maxOutputBytes: Int,
        sent: inout Bool
    ) throws(RemoteError) -> CommandResult {
        guard !isBroken else { throw RemoteError(.sessionLost, host: peer, "the session is closed") }
        libssh2_session_set_blocking(session, 0)
        defer { if !isBroken { libssh2_session_set_blocking(session, 1) } }

        var opened: OpaquePointer?
        let openStatus = try retryingWhileAgain(deadline: deadline, command: command, sent: sent) {
            opened = vigil_libssh2_channel_open_session(session)
            return opened == nil ? LibSSH2.lastError(session).code : 0
        }
        guard openStatus == 0, let channel = opened else { throw failure("opening a channel", sent: false) }
        defer { if !isBroken { libssh2_channel_free(channel) } }

        sent = true
        let execStatus = try retryingWhileAgain(deadline: deadline, command: command, sent: true) {
            vigil_libssh2_channel_exec(channel, command, UInt32(command.utf8.count))
        }
        if execStatus == LIBSSH2_ERROR_CHANNEL_REQUEST_DENIED {
            throw RemoteError(.protocolError, host: peer, "the server refused to run the command", libraryCode: Int(execStatus))
        }
        guard execStatus == 0 else { throw failure("starting the command", sent: true) }
        try write(stdin, to: channel, deadline: deadline, command: command)

        let output = try readOutput(of: channel, limit: maxOutputBytes, deadline: deadline, command: command)

        guard try retryingWhileAgain(deadline: deadline, command: command, sent: true, { libssh2_channel_close(channel) }) == 0 else {
            throw failure("closing the channel", sent: true)
        }
        guard try retryingWhileAgain(deadline: deadline, command: command, sent: true, { libssh2_channel_wait_closed(channel) }) == 0 else {
            throw failure("waiting for the command to end", sent: true)
        }
        var signalName: UnsafeMutablePointer<CChar>?
        var signalLength = 0
        libssh2_channel_get_exit_signal(channel, &signalName, &signalLength, nil, nil, nil, nil)
        let signal = signalName.map { String(cString: $0) }
        if let signalName { libssh2_free(session, signalName) }
        let exitStatus = libssh2_channel_get_exit_status(channel)
        return CommandResult(
            exitStatus: signal == nil ? exitStatus : nil, signal: signal,
            stdout: output.stdout, stderr: output.stderr, outputTruncated: output.truncated)
    }

    /// Writes all of `bytes` to the command's stdin, then sends end of file. The commands that
    /// take input (a file upload) write little output, so nothing is read meanwhile.
    private func write(_ bytes: [UInt8], to channel: OpaquePointer, deadline: ContinuousClock.Instant, command: String) throws(RemoteError) {
        guard !bytes.isEmpty else { return }
        var offset = 0
        while offset < bytes.count {
            let written = try retryingWhileAgain(deadline: deadline, command: command, sent: true) {
                bytes.withUnsafeBytes { all in
                    let chunk = UnsafeRawBufferPointer(rebasing: all[offset..<min(all.count, offset + 32 * 1024)])
                    return Int32(clamping: libssh2_channel_write_ex(channel, 0, chunk.baseAddress?.assumingMemoryBound(to: CChar.self), chunk.count))
                }
            }
            guard written > 0 else { throw failure("writing to the command's input", sent: true) }
            offset += Int(written)
        }
        guard try retryingWhileAgain(deadline: deadline, command: command, sent: true, { libssh2_channel_send_eof(channel) }) == 0 else {
            throw failure("closing the command's input", sent: true)
        }
    }

    /// Reads stdout and stderr together until both end: reading one to its end first can
    /// deadlock when the other fills its window.
    private func readOutput(
        of channel: OpaquePointer, limit: Int, deadline: ContinuousClock.Instant, command: String
    ) throws(RemoteError) -> CapturedOutput {
        var output = CapturedOutput(limit: limit)
        var open = Set(CapturedOutput.Stream.allCases)
        var buffer = [CChar](repeating: 0, count: 32 * 1024)
        while !open.isEmpty {
            // A command that never stops writing must meet its deadline too.
            if ContinuousClock.now >= deadline { try wait(until: deadline, command: command, sent: true) }
            var progressed = false
            for stream in CapturedOutput.Stream.allCases where open.contains(stream) {
                // Bounded: each pass reads what has arrived, then yields to the other stream.
                for _ in 0..<64 {
                    let count = buffer.withUnsafeMutableBufferPointer {
                        vigil_libssh2_channel_read(channel, stream.rawValue, $0.baseAddress, $0.count)
                    }
                    if count > 0 {
                        progressed = true
                        buffer.withUnsafeBytes { output.append(UnsafeRawBufferPointer(rebasing: $0.prefix(count)), to: stream) }
                        continue
                    }
                    if count == 0 {
                        if libssh2_channel_eof(channel) != 0 { open.remove(stream) }
                        break
                    }
                    guard count == LIBSSH2_ERROR_EAGAIN else { throw failure("reading the command's output", sent: true) }
                    break
                }
            }
            if libssh2_channel_eof(channel) != 0 && !progressed { break }
            if !progressed { try wait(until: deadline, command: command, sent: true) }
        }
        return output
    }

    /// Calls a non-blocking libssh2 function until it stops answering EAGAIN, waiting on the
    /// socket in the directions libssh2 wants between tries, until the deadline; returns its
    /// last status.
    private func retryingWhileAgain(
        deadline: ContinuousClock.Instant, command: String, sent: Bool, _ attempt: () -> Int32
    ) throws(RemoteError) -> Int32 {
        while true {
            let status = attempt()
            guard status == LIBSSH2_ERROR_EAGAIN else { return status }
            try wait(until: deadline, command: command, sent: sent)
        }
    }

    private func wait(until deadline: ContinuousClock.Instant, command: String, sent: Bool) throws(RemoteError) {
        let remaining = ContinuousClock.now.duration(to: deadline).wholeMilliseconds
        guard remaining > 0 else {
            abandon()
            throw RemoteError(
                sent ? .commandTimedOut : .timeout, host: peer,
                sent
                    ? "the command did not end before its deadline; the session was torn down "
                        + "(the remote command may still be running)"
                    : "no channel could be opened before the deadline")
        }
        let directions = libssh2_session_block_directions(session)
        var events: Int16 = 0
        if directions & LIBSSH2_SESSION_BLOCK_INBOUND != 0 { events |= Int16(POLLIN) }
        if directions & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 { events |= Int16(POLLOUT) }
        if events == 0 { events = Int16(POLLIN) }
        var descriptor = pollfd(fd: socket, events: events, revents: 0)
        _ = poll(&descriptor, 1, Int32(min(remaining, 1_000)))
    }

    // MARK: SFTP

    private func sftpSession() throws(RemoteError) -> OpaquePointer {
        if let sftp { return sftp }
        guard let opened = libssh2_sftp_init(session) else { throw failure("starting SFTP", sent: false) }
        sftp = opened
        return opened
    }

    /// Whether the server offers the SFTP subsystem; asked once a session. A server configured
    /// without it (a common hardening) refuses the subsystem request, and files then go over exec.
    func offersSFTP() throws(RemoteError) -> Bool {
        if sftp != nil { return true }
        if let sftpOffered { return sftpOffered }
        if libssh2_sftp_init(session).map({ sftp = $0 }) != nil {
            sftpOffered = true
            return true
        }
        let code = LibSSH2.lastError(session).code
        guard code == LIBSSH2_ERROR_CHANNEL_FAILURE || code == LIBSSH2_ERROR_CHANNEL_REQUEST_DENIED else {
            throw failure("starting SFTP", sent: false)
        }
        sftpOffered = false
        return false
    }

    /// An SFTP failure as a value, with the SFTP status where the server sent one.
    private func sftpFailure(_ what: String, path: String) -> RemoteError {
        let (code, _) = LibSSH2.lastError(session)
        guard code == LIBSSH2_ERROR_SFTP_PROTOCOL, let sftp else { return failure(what, sent: false) }
        let status = libssh2_sftp_last_error(sftp)
        switch status {
        case UInt(LIBSSH2_FX_NO_SUCH_FILE), UInt(LIBSSH2_FX_NO_SUCH_PATH):
            return RemoteError(.remoteFileNotFound, host: peer, "\(path) does not exist", libraryCode: Int(status))
        case UInt(LIBSSH2_FX_PERMISSION_DENIED):
            return RemoteError(.remoteIO, host: peer, "permission denied for \(path)", libraryCode: Int(status))
        case UInt(LIBSSH2_FX_NOT_A_DIRECTORY):
            return RemoteError(.parentNotFolder, host: peer, "a parent of \(path) is not a folder", libraryCode: Int(status))
        default:
            return RemoteError(.remoteIO, host: peer, "\(what) \(path) failed with SFTP status \(status)", libraryCode: Int(status))
        }
    }

    struct RemoteFileInfo {
        var permissions: UInt
        var isFolder: Bool
        var isRegularFile: Bool
    }

    /// The file's type and mode; nil when it does not exist.
    func stat(_ path: String) throws(RemoteError) -> RemoteFileInfo? {
        let sftp = try sftpSession()
        var attributes = LIBSSH2_SFTP_ATTRIBUTES()
        guard vigil_libssh2_sftp_stat(sftp, path, &attributes) == 0 else {
            let error = sftpFailure("stat", path: path)
            if error.kind == .remoteFileNotFound { return nil }
            throw error
        }
        let type = attributes.permissions & UInt(LIBSSH2_SFTP_S_IFMT)
        return RemoteFileInfo(
            permissions: attributes.permissions & 0o7777,
            isFolder: type == UInt(LIBSSH2_SFTP_S_IFDIR),
            isRegularFile: type == UInt(LIBSSH2_SFTP_S_IFREG))
    }

    func readFile(_ path: String, maxBytes: Int) throws(RemoteError) -> [UInt8] {
        let sftp = try sftpSession()
        guard let handle = vigil_libssh2_sftp_open(sftp, path, UInt(LIBSSH2_FXF_READ), 0) else {
            throw sftpFailure("opening", path: path)
        }
        defer { _ = vigil_libssh2_sftp_close(handle) }
        var contents: [UInt8] = []
        var buffer = [CChar](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBufferPointer { libssh2_sftp_read(handle, $0.baseAddress, $0.count) }
            if count == 0 { return contents }
            guard count > 0 else { throw sftpFailure("reading", path: path) }
            guard contents.count + count <= maxBytes else {
                throw RemoteError(.fileTooLarge, host: peer, "\(path) is larger than \(maxBytes) bytes")
            }
            buffer.withUnsafeBytes { contents.append(contentsOf: $0.prefix(count)) }
        }
    }

    /// Writes a new file (it must not exist), syncs it to disk and sets its mode exactly.
    func writeNewFile(_ path: String, contents: [UInt8], permissions: UInt) throws(RemoteError) {
        let sftp = try sftpSession()
        let flags = UInt(LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_EXCL)
        guard let handle = vigil_libssh2_sftp_open(sftp, path, flags, 0o600) else {
            throw sftpFailure("creating", path: path)
        }
        var closed = false
        defer { if !closed { _ = vigil_libssh2_sftp_close(handle) } }
        var offset = 0
        while offset < contents.count {
            let count = contents.withUnsafeBytes { bytes in
                let chunk = UnsafeRawBufferPointer(rebasing: bytes[offset..<min(bytes.count, offset + 256 * 1024)])
                return libssh2_sftp_write(handle, chunk.baseAddress?.assumingMemoryBound(to: CChar.self), chunk.count)
            }
            guard count > 0 else { throw sftpFailure("writing", path: path) }
            offset += count
        }
        guard libssh2_sftp_fsync(handle) == 0 else { throw sftpFailure("syncing", path: path) }
        var attributes = LIBSSH2_SFTP_ATTRIBUTES()
        attributes.flags = UInt(LIBSSH2_SFTP_ATTR_PERMISSIONS)
        attributes.permissions = permissions
        guard vigil_libssh2_sftp_fsetstat(handle, &attributes) == 0 else { throw sftpFailure("setting the mode of", path: path) }
        closed = true
        guard vigil_libssh2_sftp_close(handle) == 0 else { throw sftpFailure("closing", path: path) }
    }

    func removeFile(_ path: String) {
        guard !isBroken, let sftp = try? sftpSession() else { return }
        _ = vigil_libssh2_sftp_unlink(sftp, path)
    }
}
