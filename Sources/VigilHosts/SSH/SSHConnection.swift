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

    /// Reads a file of at most `maxBytes` over SFTP.
    public func readFile(_ path: String, maxBytes: Int) async throws(RemoteError) -> [UInt8] {
        try await perform { connection throws(RemoteError) in
            try connection.withSession { session, _ throws(RemoteError) in try session.readFile(path, maxBytes: maxBytes) }
        }
    }

    /// Replaces a file atomically (temp file beside it over SFTP, fsync, `mv -f`), keeping its mode.
    public func replaceFile(_ path: String, with contents: [UInt8]) async throws(RemoteError) {
        try await perform { connection throws(RemoteError) in
            try connection.withSession { session, committed throws(RemoteError) in
                try connection.replace(path, with: contents, on: session, committed: &committed)
            }
        }
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
