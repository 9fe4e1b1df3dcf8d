import Foundation

/// The CLI's side of the control socket.
public enum ControlClient {
    public enum Failure: Error, CustomStringConvertible {
        case noDaemon(String)
        case cannotOpen(String, String)
        case unreadableReply(String, String)

        public var isNoDaemon: Bool {
            if case .noDaemon = self { true } else { false }
        }

        public var description: String {
            switch self {
            case .noDaemon(let path): "no vigil daemon is running (no socket at \(path)); start it with `systemctl start vigil`"
            case .cannotOpen(let path, let why): "the daemon's socket \(path) exists but cannot be opened: \(why) (are you root or in its group?)"
            case .unreadableReply(let line, let why): "the daemon sent a line this vigil cannot read (\(why)): \(line)"
            }
        }
    }

    /// Sends a request and hands each line of text to `line`; returns whether the request
    /// succeeded. Throws `ControlProtocol.Mismatch` when the daemon speaks another version.
    public static func send(_ request: ControlRequest, to path: String, line: (String) -> Void) throws -> Bool {
        var request = try JSONEncoder().encode(request)
        request.append(UInt8(ascii: "\n"))
        var succeeded = false
        try exchange(request, with: path) { reply in
            switch try decode(reply) {
            case .line(let text): line(text)
            case .finished(let outcome): succeeded = outcome == .succeeded
            }
        }
        return succeeded
    }

    /// Writes `request` to the socket and hands each reply line to `each` as it comes: a
    /// failover prints each step as it happens.
    static func exchange(_ request: Data, with path: String, each: (Data) throws -> Void) throws {
        // Only a socket that is certainly absent means "no daemon": one this user may not even
        // look at (a private folder) is reported as unopenable.
        var status = stat()
        if stat(path, &status) != 0 {
            if errno == ENOENT { throw Failure.noDaemon(path) }
            throw Failure.cannotOpen(path, String(cString: strerror(errno)))
        }
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { bytes in
            bytes.copyBytes(from: Array(path.utf8.prefix(bytes.count - 1)) + [0])
        }
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            if errno == ECONNREFUSED { throw Failure.noDaemon(path) }
            throw Failure.cannotOpen(path, String(cString: strerror(errno)))
        }
        _ = request.withUnsafeBytes { Foundation.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var buffer = Data()
        var chunk = [UInt8](repeating: 0, count: 4_096)
        while case let count = read(descriptor, &chunk, chunk.count), count > 0 {
            buffer.append(contentsOf: chunk.prefix(count))
            while let end = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[buffer.startIndex..<end]
                buffer = Data(buffer[buffer.index(after: end)...])
                try each(Data(line))
            }
        }
    }

    private static func decode(_ data: Data) throws -> ControlReply {
        do {
            return try JSONDecoder().decode(ControlReply.self, from: data)
        } catch let mismatch as ControlProtocol.Mismatch {
            throw mismatch
        } catch {
            throw Failure.unreadableReply(String(decoding: data.prefix(200), as: UTF8.self), "\(error)")
        }
    }
}
