import Foundation

/// The CLI's side of the control socket.
public enum ControlClient {
    public enum Failure: Error, CustomStringConvertible {
        case noDaemon(String)
        case cannotOpen(String, String)

        public var isNoDaemon: Bool {
            if case .noDaemon = self { true } else { false }
        }

        public var description: String {
            switch self {
            case .noDaemon(let path): "no vigil daemon is running (no socket at \(path)); start it with `systemctl start vigil`"
            case .cannotOpen(let path, let why): "the daemon's socket \(path) exists but cannot be opened: \(why) (are you root or in its group?)"
            }
        }
    }

    /// Sends a request and hands each reply line to `line`; returns whether the last line said ok.
    public static func send(_ request: ControlRequest, to path: String, line: (ControlReply) -> Void) throws -> Bool {
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
        var data = try JSONEncoder().encode(request)
        data.append(UInt8(ascii: "\n"))
        _ = data.withUnsafeBytes { Foundation.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var buffer = Data()
        var ok = false
        var chunk = [UInt8](repeating: 0, count: 4_096)
        // Lines are shown as they come: a failover prints each step as it happens.
        while case let count = read(descriptor, &chunk, chunk.count), count > 0 {
            buffer.append(contentsOf: chunk.prefix(count))
            while let end = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let lineData = buffer[buffer.startIndex..<end]
                buffer = Data(buffer[buffer.index(after: end)...])
                guard let reply = try? JSONDecoder().decode(ControlReply.self, from: lineData) else { continue }
                if let verdict = reply.ok { ok = verdict }
                if reply.isWorthShowing { line(reply) }
            }
        }
        return ok
    }
}
