import Dispatch
import Foundation
import Synchronization
import VigilCore

/// A reusable SSH connection to one host: one session for many commands, reopened when it
/// dropped. A command that may already have run is never sent again: its outcome is reported as
/// `outcomeUnknown`. All libssh2 calls run on the connection's own serial queue, off Swift's
/// cooperative pool.
public final class SSHConnection: Host, @unchecked Sendable {
    /// Where it connects.
    public let target: SSHTarget
    /// Output beyond this, per stream, is read and dropped.
    public let maxOutputBytes: Int
    private let queue: DispatchQueue
    // Touched only on `queue`; every function that touches them asserts it.
    private var session: SSHSession?
    private var keepalive: DispatchSourceTimer?
    private let openedCount = Atomic<Int>(0)
    private let transfer = Mutex<FileTransfer?>(nil)

    /// A connection to `target`, opened at first use; output beyond `maxOutputBytes` a stream is dropped.
    public init(target: SSHTarget, maxOutputBytes: Int = 16 << 20) {
        self.target = target
        self.maxOutputBytes = maxOutputBytes
        queue = DispatchQueue(label: "vigil.ssh.\(target.peer)")
    }

    deinit {
        keepalive?.cancel()
    }

    /// `host:port`.
    public var name: String { target.peer }

    /// How files reached this host last time (nil before the first file was read or written), for
    /// the status page; asks nothing of the host.
    public var knownFileTransfer: FileTransfer? { transfer.withLock { $0 } }

    /// How many sessions this connection has opened: 1 while it is reused, more after reconnects.
    public var sessionsOpened: Int { openedCount.load(ordering: .relaxed) }

    /// Opens the session now (checking the host key and the credentials) rather than at first use.
    public func connect() async throws(RemoteError) {
        try await perform { connection throws(RemoteError) in _ = try connection.currentSession() }
    }

    /// Closes the session; the next action opens a new one.
    public func close() async {
        _ = try? await perform { connection throws(RemoteError) in connection.dropSession() }
    }

    /// Runs `command` on the host, at most `timeout`.
    public func run(_ command: String, timeout: Duration) async throws(RemoteError) -> CommandResult {
        try await perform { connection throws(RemoteError) in
            let deadline = ContinuousClock.now.advanced(by: timeout)
            return try connection.withSession { session, committed throws(RemoteError) in
                try session.exec(command, deadline: deadline, maxOutputBytes: connection.maxOutputBytes, sent: &committed)
            }
        }
    }

    /// Reads a file of at most `maxBytes`, over SFTP or, where the server offers none, `cat`.
    public func readFile(_ path: String, maxBytes: Int) async throws(RemoteError) -> [UInt8] {
        try await perform { connection throws(RemoteError) in
            try connection.withSession { session, _ throws(RemoteError) in
                try connection.note(session.offersSFTP())
                    ? session.readFile(path, maxBytes: maxBytes) : connection.readOverExec(path, maxBytes: maxBytes, on: session)
            }
        }
    }

    /// Replaces a file atomically (a temporary file beside it, synced, then `mv -f`), keeping
    /// its mode; over SFTP, or over exec where the server offers no SFTP.
    public func replaceFile(_ path: String, with contents: [UInt8]) async throws(RemoteError) {
        try await perform { connection throws(RemoteError) in
            try connection.withSession { session, committed throws(RemoteError) in
                if try connection.note(session.offersSFTP()) {
                    try connection.replace(path, with: contents, on: session, committed: &committed)
                } else {
                    try connection.replaceOverExec(path, with: contents, on: session, committed: &committed)
                }
            }
        }
    }

    /// How files reach this host (asks the server once a session).
    public func fileTransfer() async throws(RemoteError) -> FileTransfer {
        try await perform { connection throws(RemoteError) in
            try connection.withSession { session, _ throws(RemoteError) in try connection.note(session.offersSFTP()) ? .sftp : .exec }
        }
    }

    /// Remembers how files travel now; returns `offersSFTP` unchanged.
    private func note(_ offersSFTP: Bool) -> Bool {
        transfer.withLock { $0 = offersSFTP ? .sftp : .exec }
        return offersSFTP
    }

    // MARK: On the queue

    private func perform<T: Sendable>(
        _ body: @escaping @Sendable (SSHConnection) throws(RemoteError) -> T
    ) async throws(RemoteError) -> T {
        let result: Result<T, RemoteError> = await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: Result { () throws(RemoteError) -> T in try body(self) }) }
        }
        return try result.get()
    }

    private func currentSession() throws(RemoteError) -> SSHSession {
        dispatchPrecondition(condition: .onQueue(queue))
        if let session, !session.isBroken { return session }
        dropSession()
        let opened = try SSHSession(target: target)
        openedCount.add(1, ordering: .relaxed)
        session = opened
        startKeepalive()
        return opened
    }

    private func dropSession() {
        dispatchPrecondition(condition: .onQueue(queue))
        keepalive?.cancel()
        keepalive = nil
        session = nil  // deinit disconnects, or just frees a broken session
    }

    /// Runs `operation` on the session. A reused session that turns out to have dropped while
    /// idle, before the action reached the server (`committed` still false), is replaced and the
    /// action tried once more; anything else is reported as it happened.
    private func withSession<T>(
        _ operation: (SSHSession, inout Bool) throws(RemoteError) -> T
    ) throws(RemoteError) -> T {
        dispatchPrecondition(condition: .onQueue(queue))
        var reused = session.map { !$0.isBroken } ?? false
        while true {
            let current = try currentSession()
            var committed = false
            do {
                return try operation(current, &committed)
            } catch {
                if current.isBroken { dropSession() }
                guard error.kind == .sessionLost, !committed, reused else { throw error }
                reused = false
            }
        }
    }

    private func startKeepalive() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let interval = target.keepaliveInterval else { return }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let milliseconds = Int(max(1_000, interval.wholeMilliseconds))
        timer.schedule(deadline: .now() + .milliseconds(milliseconds), repeating: .milliseconds(milliseconds))
        timer.setEventHandler { [weak self] in
            guard let self, let session = self.session else { return }
            session.sendKeepalive()
            if session.isBroken { self.dropSession() }
        }
        timer.resume()
        keepalive = timer
    }

    /// `cat` under the same size cap as SFTP: one byte more than allowed is read to tell a file
    /// that is too large.
    private func readOverExec(_ path: String, maxBytes: Int, on session: SSHSession) throws(RemoteError) -> [UInt8] {
        dispatchPrecondition(condition: .onQueue(queue))
        let file = shellQuote(path)
        let command = "if [ ! -e \(file) ]; then exit 3; elif [ ! -f \(file) ]; then exit 4; fi; exec cat -- \(file)"
        var sent = false
        let result = try session.exec(
            command, deadline: ContinuousClock.now.advanced(by: target.operationTimeout), maxOutputBytes: maxBytes + 1, sent: &sent)
        switch result.exitStatus {
        case 0?:
            guard result.stdout.count <= maxBytes, !result.outputTruncated else {
                throw RemoteError(.fileTooLarge, host: target.peer, "\(path) is larger than \(maxBytes) bytes")
            }
            return result.stdout
        case 3?: throw RemoteError(.remoteFileNotFound, host: target.peer, "\(path) does not exist")
        case 4?: throw RemoteError(.remoteIO, host: target.peer, "\(path) is not a regular file")
        default: throw RemoteError(.remoteIO, host: target.peer, "reading \(path) over exec failed: \(result.tail())")
        }
    }

    /// The bytes on the command's stdin into a temporary file beside the target, synced, given
    /// the target's mode, then `mv -f` (an atomic rename(2)), all in one round trip.
    private func replaceOverExec(_ path: String, with contents: [UInt8], on session: SSHSession, committed: inout Bool) throws(RemoteError) {
        dispatchPrecondition(condition: .onQueue(queue))
        let parent = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        let temporary = "\(parent)/.\((path as NSString).lastPathComponent).vigil-\(String(UInt64.random(in: 0...UInt64.max), radix: 16)).tmp"
        let (file, folder, tmp) = (shellQuote(path), shellQuote(parent), shellQuote(temporary))
        let script = [
            "if [ ! -e \(folder) ]; then exit 3; elif [ ! -d \(folder) ]; then exit 5; fi",
            "if [ -e \(file) ] && [ ! -f \(file) ]; then exit 4; fi",
            "trap 'rm -f -- \(tmp)' EXIT",
            "(umask 077 && cat > \(tmp))",
            // A stream cut short (the session dropped) looks like a whole one to cat: the file
            // must have every byte before it may replace anything (SSH itself guards their order
            // and integrity).
            "[ \"$(wc -c < \(tmp))\" -eq \(contents.count) ] || exit 6",
            "if [ -e \(file) ]; then chmod --reference=\(file) -- \(tmp); else chmod 644 -- \(tmp); fi",
            "sync -- \(tmp) 2>/dev/null || sync",
            "mv -f -- \(tmp) \(file)",
            "{ sync -- \(folder) 2>/dev/null || true; }",
        ].joined(separator: " && ")
        committed = true
        let result = try session.exec(
            "set -e; " + script, stdin: contents, deadline: ContinuousClock.now.advanced(by: target.operationTimeout),
            maxOutputBytes: 64 * 1024, sent: &committed)
        switch result.exitStatus {
        case 0?: return
        case 3?: throw RemoteError(.remoteFileNotFound, host: target.peer, "the folder \(parent) of \(path) does not exist")
        case 5?: throw RemoteError(.parentNotFolder, host: target.peer, "\(parent) is not a folder, so \(path) cannot be written")
        case 4?: throw RemoteError(.remoteIO, host: target.peer, "\(path) is not a regular file; refusing to replace it")
        case 6?: throw RemoteError(.remoteIO, host: target.peer, "the upload of \(path) arrived incomplete; the file was not replaced")
        default: throw RemoteError(.remoteIO, host: target.peer, "replacing \(path) over exec failed: \(result.tail())")
        }
    }

    /// Temp file beside the target, written and synced over SFTP with the target's mode, then
    /// `mv -f` (an atomic rename(2): OpenSSH's SFTP v3 cannot rename over an existing file).
    private func replace(
        _ path: String, with contents: [UInt8], on session: SSHSession,
        committed: inout Bool
    ) throws(RemoteError) {
        dispatchPrecondition(condition: .onQueue(queue))
        let peer = target.peer
        let parent = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        let existing = try session.stat(path)
        if existing == nil {
            guard let folder = try session.stat(parent) else {
                throw RemoteError(.remoteFileNotFound, host: peer, "the folder \(parent) of \(path) does not exist")
            }
            guard folder.isFolder else {
                throw RemoteError(.parentNotFolder, host: peer, "\(parent) is not a folder, so \(path) cannot be written")
            }
        }
        if let existing, !existing.isRegularFile {
            throw RemoteError(.remoteIO, host: peer, "\(path) is not a regular file; refusing to replace it")
        }
        let base = (path as NSString).lastPathComponent
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let temporary = "\(parent)/.\(base).vigil-\(suffix).tmp"
        committed = true
        do throws(RemoteError) {
            try session.writeNewFile(temporary, contents: contents, permissions: existing?.permissions ?? 0o644)
            let command = "mv -f -- \(shellQuote(temporary)) \(shellQuote(path)) && { sync -- \(shellQuote(parent)) 2>/dev/null || true; }"
            var sent = false
            let result = try session.exec(
                command, deadline: ContinuousClock.now.advanced(by: target.operationTimeout),
                maxOutputBytes: 64 * 1024, sent: &sent)
            guard result.succeeded else {
                throw RemoteError(.remoteIO, host: peer, "renaming the new file over \(path) failed: \(result.tail())")
            }
        } catch {
            session.removeFile(temporary)
            throw error
        }
    }
}
