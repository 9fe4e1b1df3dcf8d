import Foundation
import Logging
import Synchronization
import VigilCore

/// The daemon's Unix socket for operator commands: private to its owner and a chosen group
/// (mode 0660), one JSON request line in, reply lines out. It records who asked from the
/// socket's peer credentials, not from anything the client says. Each connection is served on
/// a thread of its own (never on Swift's cooperative pool, which the agent's work runs on), with
/// a deadline for its request line, a cap on its size and a cap on connections at once; the
/// accept loop outlives every error.
final class ControlServer: Sendable {
    typealias Handler = @Sendable (ControlRequest, _ peerUID: UInt32, _ reply: @escaping @Sendable (ControlReply) -> Void) async -> Void

    /// A client has this long to send its request line.
    static let requestDeadline = Duration.seconds(5)
    static let maximumRequestBytes = 64 << 10
    /// Connections served at once; one more is told the daemon is busy.
    static let maximumConnections = 16

    private let path: String
    private let group: String?
    private let handler: Handler
    private let logger: Logger
    /// The listening socket; `stopAccepting()` swaps it for -1 while the accept thread reads it.
    private let listener = Atomic<Int32>(-1)
    private let connections = Mutex<[Int32: ControlConnection]>([:])

    init(path: String, group: String?, logger: Logger, handler: @escaping Handler) {
        self.path = path
        self.group = group
        self.logger = logger
        self.handler = handler
    }

    func start() throws {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        unlink(path)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard path.utf8.count < capacity else { throw ControlError(message: "the socket path \(path) is too long") }
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listener >= 0 else { throw ControlError(message: "cannot make a socket for \(path): \(String(cString: strerror(errno)))") }
        withUnsafeMutableBytes(of: &address.sun_path) { bytes in
            bytes.copyBytes(from: Array(path.utf8) + [0])
        }
        // The socket is created private, then opened to the group: never briefly world-writable.
        let previous = umask(0o177)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        umask(previous)
        guard bound == 0, listen(listener, 16) == 0 else {
            let cause = String(cString: strerror(errno))
            close(listener)
            throw ControlError(message: "cannot listen on \(path): \(cause)")
        }
        if let group {
            guard let entry = getgrnam(group), chown(path, geteuid(), entry.pointee.gr_gid) == 0 else {
                let cause = String(cString: strerror(errno))
                close(listener)
                unlink(path)
                throw ControlError(message: "cannot give the socket \(path) to the group \(group): \(cause)")
            }
        }
        chmod(path, 0o660)
        self.listener.store(listener, ordering: .sequentiallyConsistent)
        let thread = Thread { [self] in acceptLoop(listener) }
        thread.name = "vigil-control"
        thread.start()
    }

    /// Stops taking connections; those being served go on (a runbook in flight may still
    /// report how it ended).
    func stopAccepting() {
        let descriptor = listener.exchange(-1, ordering: .sequentiallyConsistent)
        guard descriptor >= 0 else { return }
        shutdown(descriptor, Int32(SHUT_RDWR))
        close(descriptor)
        unlink(path)
    }

    /// Ends every conversation still open with a last line that says why, so that no client is
    /// left without one.
    func closeConnections(saying why: String) {
        for connection in connections.withLock({ Array($0.values) }) {
            connection.send(.line("vigil daemon: \(why)"))
            connection.send(.finished(.failed))
            connection.close()
        }
    }

    private func acceptLoop(_ listener: Int32) {
        var backoff = Duration.milliseconds(10)
        var failing = false
        while listener == self.listener.load(ordering: .sequentiallyConsistent) {
            let descriptor = accept(listener, nil, nil)
            guard descriptor >= 0 else {
                let code = errno
                if code == EINTR || listener != self.listener.load(ordering: .sequentiallyConsistent) { continue }
                // EMFILE, ENFILE, ENOBUFS, ECONNABORTED...: said once, retried with a backoff; never fatal.
                if !failing {
                    logger.error("control socket: cannot accept a connection (\(String(cString: strerror(code)))); retrying")
                    failing = true
                }
                Thread.sleep(forTimeInterval: backoff.secondsValue)
                backoff = min(backoff * 2, .seconds(1))
                continue
            }
            if failing {
                logger.notice("control socket: accepting connections again")
                failing = false
            }
            backoff = .milliseconds(10)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            let connection = ControlConnection(descriptor: descriptor)
            let admitted = connections.withLock { open in
                guard open.count < Self.maximumConnections else { return false }
                open[descriptor] = connection
                return true
            }
            guard admitted else {
                connection.send(.line("vigil daemon: busy (\(Self.maximumConnections) control connections open); try again"))
                connection.send(.finished(.failed))
                close(descriptor)
                continue
            }
            let thread = Thread { [self] in
                serve(connection)
                connections.withLock { _ = $0.removeValue(forKey: descriptor) }
                connection.close()
                close(descriptor)
            }
            thread.name = "vigil-control-client"
            thread.start()
        }
    }

    /// Linux's `struct ucred`, which Swift's Glibc module leaves out (it needs _GNU_SOURCE).
    private struct PeerCredentials {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }

    /// Reads the request line within its deadline, then carries it out while this thread waits.
    private func serve(_ connection: ControlConnection) {
        var credentials = PeerCredentials()
        var length = socklen_t(MemoryLayout<PeerCredentials>.size)
        let soPeerCred: Int32 = 17  // SO_PEERCRED on Linux
        guard getsockopt(connection.descriptor, SOL_SOCKET, soPeerCred, &credentials, &length) == 0 else { return }
        guard let requestLine = readRequestLine(connection) else { return }
        let version: Int?
        do {
            version = try JSONDecoder().decode(ControlRequest.VersionOnly.self, from: requestLine).version
        } catch {
            connection.send(.line("vigil daemon: not a request (one JSON object on one line): \(error)"))
            connection.send(.finished(.failed))
            return
        }
        guard version == ControlProtocol.version else {
            connection.send(.line("vigil daemon: \(ControlProtocol.Mismatch(theirs: version))"))
            connection.send(.finished(.failed))
            return
        }
        let request: ControlRequest
        do {
            request = try JSONDecoder().decode(ControlRequest.self, from: requestLine)
        } catch {
            connection.send(.line("vigil daemon: not a request: \(error)"))
            connection.send(.finished(.failed))
            return
        }
        let asked =
            "control: uid \(credentials.uid) asks \(request.command.rawValue) for \(request.service ?? (request.all ? "all" : "-")): "
            + request.reason.escapingControlCharacters
        guard !connection.peerHungUp else {
            logger.notice("\(asked) — not carried out: the client hung up before it was served")
            return
        }
        logger.info("\(asked)")
        let done = DispatchSemaphore(value: 0)
        let handler = handler
        Task {
            await handler(request, credentials.uid) { connection.send($0) }
            done.signal()
        }
        done.wait()
    }

    /// The request line, or nil (after saying why) when it does not come within its deadline
    /// and size.
    private func readRequestLine(_ connection: ControlConnection) -> Data? {
        var deadline = timeval(tv_sec: Int(Self.requestDeadline.components.seconds), tv_usec: 0)
        setsockopt(connection.descriptor, SOL_SOCKET, SO_RCVTIMEO, &deadline, socklen_t(MemoryLayout<timeval>.size))
        var line = Data()
        var buffer = [UInt8](repeating: 0, count: 4_096)
        let started = ContinuousClock.now
        while line.count <= Self.maximumRequestBytes {
            if let end = line.firstIndex(of: UInt8(ascii: "\n")) { return line[..<end] }
            guard ContinuousClock.now - started < Self.requestDeadline else { break }
            let count = read(connection.descriptor, &buffer, buffer.count)
            if count > 0 {
                line.append(contentsOf: buffer.prefix(count))
                continue
            }
            if count < 0 && errno == EINTR { continue }
            if count == 0 { return nil }  // the client left without a request
            break  // EAGAIN: the deadline passed
        }
        let why =
            line.count > Self.maximumRequestBytes
            ? "a request line is at most \(Self.maximumRequestBytes) bytes" : "no request line within \(DurationText.format(Self.requestDeadline))"
        logger.notice("control: a connection dropped: \(why)")
        connection.send(.line("vigil daemon: \(why)"))
        connection.send(.finished(.failed))
        return nil
    }

    struct ControlError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
