import Foundation

/// `state_dir/vigil.lock`, held with `flock` for as long as a process may run a runbook: the
/// daemon for its whole life, `vigil failover --force` without a daemon for its one runbook. So
/// two runbooks never overlap. The kernel drops the lock when the holder dies, however it dies.
public final class RunLock: Sendable {
    public let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    /// Takes the lock without waiting, or says who holds it.
    public static func acquire(stateDirectory: String) throws -> RunLock {
        try FileManager.default.createDirectory(
            atPath: stateDirectory, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let path = "\(stateDirectory)/vigil.lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Held(path: path, holder: nil, why: String(cString: strerror(errno))) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno == EWOULDBLOCK ? nil : String(cString: strerror(errno))
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = pread(descriptor, &buffer, buffer.count, 0)
            close(descriptor)
            let holder =
                count > 0
                ? Int32(
                    String(decoding: buffer.prefix(count), as: UTF8.self)
                        .trimmingCharacters(in: .whitespacesAndNewlines)) : nil
            throw Held(path: path, holder: holder, why: reason)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pwrite(descriptor, pid, pid.count, 0)
        return RunLock(path: path, descriptor: descriptor)
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    public struct Held: Error, CustomStringConvertible {
        public var path: String
        public var holder: Int32?
        public var why: String?

        public var description: String {
            if let why { return "cannot take the run lock \(path): \(why)" }
            return "another vigil (pid \(holder.map(String.init) ?? "unknown")) holds the run lock \(path); "
                + "only one process may run a runbook at a time"
        }
    }
}
