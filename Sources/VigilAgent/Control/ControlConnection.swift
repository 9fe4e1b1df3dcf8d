import Foundation
import Synchronization

/// One client of the control socket. Replies are written without ever blocking: the agent's
/// work (a runbook reporting its steps) never waits for a client that stopped reading. A client
/// that is gone, or that let its socket buffer fill, gets nothing more.
final class ControlConnection: Sendable {
    let descriptor: Int32
    private let state = Mutex(State())

    private struct State {
        var open = true
        var finished = false
    }

    init(descriptor: Int32) { self.descriptor = descriptor }

    /// Sends one line; a `.finished` line is the last one, whoever sends it first.
    func send(_ reply: ControlReply) {
        let data: Data
        do {
            data = try JSONEncoder().encode(reply) + [UInt8(ascii: "\n")]
        } catch {
            preconditionFailure("a control reply always encodes: \(error)")
        }
        state.withLock { state in
            guard state.open, !state.finished else { return }
            if case .finished = reply { state.finished = true }
            let sent = data.withUnsafeBytes { Foundation.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)) }
            if sent != data.count { state.open = false }
        }
    }

    /// The peer hung up (its end is closed), seen without reading: a request whose client went
    /// away while it waited is not carried out.
    var peerHungUp: Bool {
        let pollRDHUP: Int16 = 0x2000  // POLLRDHUP, which Glibc's module leaves out
        var entry = pollfd(fd: descriptor, events: pollRDHUP, revents: 0)
        guard poll(&entry, 1, 0) == 1 else { return false }
        return entry.revents & (pollRDHUP | Int16(POLLHUP) | Int16(POLLERR)) != 0
    }

    /// Ends the conversation: nothing is sent after this, and the client's read returns.
    func close() {
        state.withLock { state in
            guard state.open else { return }
            state.open = false
            shutdown(descriptor, Int32(SHUT_RDWR))
        }
    }
}
