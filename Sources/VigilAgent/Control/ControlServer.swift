import Foundation
import Logging
import Synchronization
import VigilCore

/// The daemon's Unix socket for operator commands: private to its owner and a chosen group
/// (mode 0660), one JSON request line in, reply lines out. It records who asked from the
/// socket's peer credentials, not from anything the client says.
final class ControlServer: Sendable {
    typealias Handler = @Sendable (ControlRequest, _ peerUID: UInt32, _ reply: @escaping @Sendable (ControlReply) -> Void) async -> Void

    private let path: String
    private let group: String?
    private let handler: Handler
    private let logger: Logger
    /// The listening socket; `stop()` swaps it for -1 while the accept thread reads it.
    private let listener = Atomic<Int32>(-1)

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

    func stop() {
        let descriptor = listener.exchange(-1, ordering: .sequentiallyConsistent)
        guard descriptor >= 0 else { return }
        shutdown(descriptor, Int32(SHUT_RDWR))
        close(descriptor)
        unlink(path)
    }

    private func acceptLoop(_ listener: Int32) {
        while listener == self.listener.load(ordering: .sequentiallyConsistent) {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else {
                if errno == EINTR { continue }
                return  // closed by stop()
            }
            Task { await serve(connection) }
        }
    }

    /// Linux's `struct ucred`, which Swift's Glibc module leaves out (it needs _GNU_SOURCE).
    private struct PeerCredentials {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }

    private func serve(_ connection: Int32) async {
        defer { close(connection) }
        var credentials = PeerCredentials()
        var length = socklen_t(MemoryLayout<PeerCredentials>.size)
        let soPeerCred: Int32 = 17  // SO_PEERCRED on Linux
        guard getsockopt(connection, SOL_SOCKET, soPeerCred, &credentials, &length) == 0 else { return }
        var line = Data()
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while line.count < 65_536 {
            let count = read(connection, &buffer, buffer.count)
            guard count > 0 else { break }
            line.append(contentsOf: buffer.prefix(count))
            if buffer.prefix(count).contains(UInt8(ascii: "\n")) { break }
        }
        let write: @Sendable (ControlReply) -> Void = { reply in
            guard var data = try? JSONEncoder().encode(reply) else { return }
            data.append(UInt8(ascii: "\n"))
            _ = data.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
        let requestLine = line.prefix { $0 != UInt8(ascii: "\n") }
        let version = (try? JSONDecoder().decode(ControlRequest.VersionOnly.self, from: requestLine))?.version
        guard version == ControlProtocol.version else {
            write(.line("vigil daemon: \(ControlProtocol.Mismatch(theirs: version))"))
            write(.finished(.failed))
            return
        }
        let request: ControlRequest
        do {
            request = try JSONDecoder().decode(ControlRequest.self, from: requestLine)
        } catch {
            write(.line("vigil daemon: not a request: \(error)"))
            write(.finished(.failed))
            return
        }
        logger.info(
            "control: uid \(credentials.uid) asks \(request.command.rawValue) for \(request.service ?? (request.all ? "all" : "-")): \(request.reason.escapingControlCharacters)"
        )
        await handler(request, credentials.uid, write)
    }

    struct ControlError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
