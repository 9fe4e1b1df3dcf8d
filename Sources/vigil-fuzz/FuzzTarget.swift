import CLibSSH2
import Foundation
import VigilCore

@testable import VigilAgent
@testable import VigilHTTP
@testable import VigilHosts
@testable import VigilUpstream

/// The parsers that read what others write, each a libFuzzer target: any input may be refused,
/// none may crash, hang or trap.
enum FuzzTarget: String, CaseIterable {
    case config
    case upstream
    case control
    case retryAfter = "retry-after"
    case knownHosts = "known-hosts"
    case duration

    func run(_ data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        switch self {
        case .config:
            // The bytes as a file would give them, then as text.
            if let decoded = try? ConfigText.decode(data, file: "fuzz.yaml") {
                _ = try? AgentConfig.parse(decoded, file: "fuzz.yaml", checkFiles: false, secrets: .none)
            }
        case .upstream:
            _ = UpstreamLayout.parse(text, primary: "127.0.0.1:8081", standby: "[::1]:8082")
            _ = UpstreamRenderer.problem(in: text, upstream: "shop", servers: [["127.0.0.1:8081"], ["[::1]:8082", "backup"]])
        case .control:
            let decoder = JSONDecoder()
            _ = try? decoder.decode(ControlRequest.VersionOnly.self, from: data)
            _ = try? decoder.decode(ControlRequest.self, from: data)
            _ = try? decoder.decode(ControlReply.self, from: data)
        case .retryAfter:
            _ = RetryAfter.parse(text, now: Date(timeIntervalSince1970: 1_795_000_000))
        case .knownHosts:
            Self.readKnownHosts(text)
        case .duration:
            _ = DurationText.parse(text)
            if let number = Double(text) { _ = DurationText.milliseconds(number) }
        }
    }

    /// One libssh2 session and known-hosts collection for the whole run, as the agent has one
    /// per connection.
    private nonisolated(unsafe) static let knownHostsCollection: OpaquePointer = {
        _ = LibSSH2.initializeOnce
        guard let session = vigil_libssh2_session_init(), let knownHosts = libssh2_knownhost_init(session) else {
            preconditionFailure("libssh2 could not make a session for the fuzzer")
        }
        return knownHosts
    }()

    private static func readKnownHosts(_ text: String) {
        _ = try? KnownHosts.read(text, from: "fuzz_known_hosts", into: knownHostsCollection, peer: "fuzz")
    }
}
