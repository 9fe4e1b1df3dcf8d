/// A machine Vigil acts on: a load balancer or a backend host, reached over SSH or local.
public protocol Host: Sendable {
    /// How errors and logs name this host.
    var name: String { get }

    /// Runs a shell command and waits for it to end, at most `timeout`.
    func run(_ command: String, timeout: Duration) async throws(RemoteError) -> CommandResult

    /// Reads a whole file of at most `maxBytes`.
    func readFile(_ path: String, maxBytes: Int) async throws(RemoteError) -> [UInt8]

    /// Replaces a file whole: a temporary file beside it is written, synced and renamed over it,
    /// so a reader sees the old file or the new one, never a part. The file's mode is kept.
    func replaceFile(_ path: String, with contents: [UInt8]) async throws(RemoteError)
}

extension Host {
    /// Reads a whole file of at most 16 MiB.
    public func readFile(_ path: String) async throws(RemoteError) -> [UInt8] {
        try await readFile(path, maxBytes: 16 << 20)
    }
}
