import Foundation
import Synchronization
import VigilLab

/// A Unix datagram socket standing in for systemd's notify socket: a thread of its own reads
/// every datagram as it comes (as systemd does), until it is closed.
final class DatagramListener: Sendable {
    private let descriptor: Int32
    private let received = Mutex<[String]>([])
    private let open = Mutex(true)

    init(path: String) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw LabError.commandFailed("bind \(path)", status: errno, output: String(cString: strerror(errno))) }
        Thread.detachNewThread { [self] in read() }
    }

    var messages: [String] { received.withLock { $0 } }

    /// Polls in short rounds, so it notices the close within 100 ms.
    private func read() {
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while open.withLock({ $0 }) {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) == 1 else { continue }
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count > 0 { received.withLock { $0.append(String(decoding: buffer.prefix(count), as: UTF8.self)) } }
        }
        Glibc.close(descriptor)
    }

    func close() { open.withLock { $0 = false } }
}
