import Foundation

/// Ports for servers that the lab starts as other programs (sshd, nginx), which need a number
/// before they bind. The kernel picks a free one; the program may lose a race for it, so starters
/// retry with another.
public enum FreePort {
    public static func pick() throws -> Int {
        let held = try LabClosedPort()
        defer { held.stop() }
        return held.port
    }

    /// True when something accepts TCP connections on 127.0.0.1:port.
    public static func isListening(_ port: Int) -> Bool {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = LoopbackAddress.ipv4(port: port)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
