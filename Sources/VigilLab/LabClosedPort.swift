import Foundation

/// A port on 127.0.0.1 that is bound but never listens: a connect to it is refused, and no other
/// server of a concurrently running test can be given it meanwhile (the kernel does not hand out
/// a bound port for `bind(port: 0)`).
public final class LabClosedPort: LabServer, @unchecked Sendable {
    public let port: Int
    private var socket: Int32

    /// Holds `port` (0: any free port). `sharedWithLaterListener`: another process will bind and
    /// listen on it (with SO_REUSEADDR, as servers do) while this keeps it from everyone else.
    public init(port requested: Int = 0, sharedWithLaterListener: Bool = false) throws {
        if sharedWithLaterListener {
            (socket, port) = try Self.hold(requested, reuseAddress: true)
            return
        }
        do {
            (socket, port) = try Self.hold(requested, reuseAddress: false)
        } catch {
            // Right after a listener on the port closed, its TIME_WAIT connections block a plain
            // bind; SO_REUSEADDR gets past them (and still keeps other servers from binding).
            (socket, port) = try Self.hold(requested, reuseAddress: true)
        }
    }

    private static func hold(_ requested: Int, reuseAddress: Bool) throws -> (Int32, Int) {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        if reuseAddress { setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size)) }
        var address = LoopbackAddress.ipv4(port: requested)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        guard bound else {
            let code = errno
            close(socket)
            throw LabError.commandFailed("holding 127.0.0.1:\(requested)", status: code, output: String(cString: strerror(code)))
        }
        return (socket, Int(UInt16(bigEndian: address.sin_port)))
    }

    public var url: String { "http://127.0.0.1:\(port)/health" }

    public func stop() {
        if socket >= 0 { close(socket) }
        socket = -1
    }
}
