import Foundation
import VigilCore

/// Opens a TCP connection with a deadline (a plain `connect` can hang for minutes).
enum TCPConnector {
    static func connect(host: String, port: Int, timeout: Duration, peer: String) throws(RemoteError) -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, String(port), &hints, &list)
        guard resolved == 0, let first = list else {
            throw RemoteError(.nameResolution, host: peer, "cannot resolve \(host): \(String(cString: gai_strerror(resolved)))")
        }
        defer { freeaddrinfo(list) }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var lastError = RemoteError(.unreachable, host: peer, "no address to connect to")
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let address = entry {
            entry = address.pointee.ai_next
            // Close-on-exec: a hook or reload command Vigil starts must not hold the SSH connection.
            let socket = Foundation.socket(
                address.pointee.ai_family, address.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue),
                address.pointee.ai_protocol)
            guard socket >= 0 else { continue }
            do {
                try connect(socket, to: address.pointee, deadline: deadline, peer: peer)
                var one: Int32 = 1
                setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                return socket
            } catch {
                close(socket)
                lastError = error
            }
        }
        throw lastError
    }

    private static func connect(
        _ socket: Int32, to address: addrinfo, deadline: ContinuousClock.Instant,
        peer: String
    ) throws(RemoteError) {
        let flags = fcntl(socket, F_GETFL)
        _ = fcntl(socket, F_SETFL, flags | O_NONBLOCK)
        if Foundation.connect(socket, address.ai_addr, address.ai_addrlen) != 0 {
            guard errno == EINPROGRESS else { throw failure(errno, peer: peer) }
            var descriptor = pollfd(fd: socket, events: Int16(POLLOUT), revents: 0)
            let remaining = ContinuousClock.now.duration(to: deadline).wholeMilliseconds
            let ready = remaining > 0 ? poll(&descriptor, 1, Int32(min(remaining, Int64(Int32.max)))) : 0
            guard ready > 0 else {
                throw RemoteError(.connectTimeout, host: peer, "TCP connect did not complete in time")
            }
            var socketError: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(socket, SOL_SOCKET, SO_ERROR, &socketError, &length)
            guard socketError == 0 else { throw failure(socketError, peer: peer) }
        }
        _ = fcntl(socket, F_SETFL, flags)
    }

    private static func failure(_ code: Int32, peer: String) -> RemoteError {
        let text = String(cString: strerror(code))
        return code == ECONNREFUSED
            ? RemoteError(.connectionRefused, host: peer, "connection refused")
            : RemoteError(.unreachable, host: peer, "TCP connect failed: \(text)")
    }
}
