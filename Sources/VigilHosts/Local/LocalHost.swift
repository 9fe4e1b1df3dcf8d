import Dispatch
import Foundation
import VigilCore

/// The machine Vigil runs on, for a load balancer configured as `host: local`: the same
/// contract as SSH, with commands run by `/bin/sh -c` in a process group of their own.
public struct LocalHost: Host {
    /// How logs and errors name it.
    public let name = "local"
    /// Output beyond this many bytes a stream is dropped (and the result says so).
    public let maxOutputBytes: Int

    /// The machine Vigil runs on.
    public init(maxOutputBytes: Int = 16 << 20) {
        self.maxOutputBytes = maxOutputBytes
    }

    /// Runs `command` with `/bin/sh -c`, at most `timeout`; the process group is killed past it.
    public func run(_ command: String, timeout: Duration) async throws(RemoteError) -> CommandResult {
        let limit = maxOutputBytes
        return try await offPool { () throws(RemoteError) in
            try LocalCommand.run(command, deadline: ContinuousClock.now.advanced(by: timeout), maxOutputBytes: limit)
        }
    }

    /// Reads a file of at most `maxBytes`.
    public func readFile(_ path: String, maxBytes: Int) async throws(RemoteError) -> [UInt8] {
        try await offPool { () throws(RemoteError) in
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw RemoteError(.remoteFileNotFound, host: "local", "\(path) does not exist")
            }
            guard !isFolder.boolValue, let data = FileManager.default.contents(atPath: path) else {
                throw RemoteError(.localIO, host: "local", "\(path) cannot be read")
            }
            guard data.count <= maxBytes else {
                throw RemoteError(.fileTooLarge, host: "local", "\(path) is larger than \(maxBytes) bytes")
            }
            return [UInt8](data)
        }
    }

    /// Replaces a file atomically (temp, fsync, rename, fsync the folder), keeping its mode.
    public func replaceFile(_ path: String, with contents: [UInt8]) async throws(RemoteError) {
        try await offPool { () throws(RemoteError) in try AtomicFile.replace(path, with: contents) }
    }

    /// Blocking file and process calls run on a Dispatch thread, not on the cooperative pool.
    private func offPool<T: Sendable>(_ body: @escaping @Sendable () throws(RemoteError) -> T) async throws(RemoteError) -> T {
        let result: Result<T, RemoteError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: Result(catching: body)) }
        }
        return try result.get()
    }
}
