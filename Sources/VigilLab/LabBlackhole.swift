import Foundation

/// A port on 127.0.0.1 where a TCP connect never completes: a listener with a backlog of zero
/// that never accepts, its queue already full, so the kernel drops every further SYN. This is
/// what a host that vanished behind a firewall looks like, without leaving loopback.
public final class LabBlackhole: @unchecked Sendable {
    public let port: Int
    private let listener: Int32
    private var fillers: [Int32] = []

    public init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = LoopbackAddress.ipv4(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && listen(listener, 0) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        guard bound else {
            close(listener)
            throw LabError.commandFailed("blackhole listener", status: errno, output: String(cString: strerror(errno)))
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        var fillers: [Int32] = []
        // Fill the accept queue; these connects complete, later ones hang in SYN_SENT.
        for _ in 0..<4 {
            let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            _ = fcntl(filler, F_SETFL, O_NONBLOCK)
            var target = address
            _ = withUnsafePointer(to: &target) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            fillers.append(filler)
        }
        self.fillers = fillers
    }

    public var url: String { "http://127.0.0.1:\(port)/health" }

    public func stop() {
        for filler in fillers { close(filler) }
        fillers.removeAll()
        close(listener)
    }
}
