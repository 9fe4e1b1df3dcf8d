/// A command's two output streams as they arrive over a channel, each kept up to a limit.
struct CapturedOutput {
    /// libssh2's stream ids: 0 is stdout, `SSH_EXTENDED_DATA_STDERR` (1) is stderr.
    enum Stream: Int32, CaseIterable {
        case stdout = 0
        case stderr = 1
    }

    let limit: Int
    private(set) var stdout: [UInt8] = []
    private(set) var stderr: [UInt8] = []
    /// Some output went past the limit and was dropped.
    private(set) var truncated = false

    init(limit: Int) { self.limit = limit }

    mutating func append(_ bytes: UnsafeRawBufferPointer, to stream: Stream) {
        let room = max(0, limit - count(of: stream))
        switch stream {
        case .stdout: stdout.append(contentsOf: bytes.prefix(room))
        case .stderr: stderr.append(contentsOf: bytes.prefix(room))
        }
        if bytes.count > room { truncated = true }
    }

    private func count(of stream: Stream) -> Int {
        switch stream {
        case .stdout: stdout.count
        case .stderr: stderr.count
        }
    }
}
