import Foundation
import Testing
import VigilLab

@testable import VigilAgent

/// The control socket's typed, versioned lines: a CLI and a daemon of different versions say so
/// plainly instead of misreading each other.
@Suite struct ControlProtocolTests {
    @Test func repliesRoundTripWithTheirVersion() throws {
        for reply in [ControlReply.line("shop: primaryActive"), .finished(.succeeded), .finished(.failed)] {
            let data = try JSONEncoder().encode(reply)
            #expect(String(decoding: data, as: UTF8.self).contains("\"version\":\(ControlProtocol.version)"))
            #expect(try JSONDecoder().decode(ControlReply.self, from: data) == reply)
        }
    }

    @Test func aReplyOfAnotherVersionIsAMismatchNamingBoth() throws {
        let unversioned = Data(#"{"text":"done","ok":true}"#.utf8)
        #expect(throws: ControlProtocol.Mismatch(theirs: nil)) { try JSONDecoder().decode(ControlReply.self, from: unversioned) }
        let newer = Data(#"{"version":99,"outcome":"succeeded"}"#.utf8)
        #expect(throws: ControlProtocol.Mismatch(theirs: 99)) { try JSONDecoder().decode(ControlReply.self, from: newer) }
        let words = ControlProtocol.Mismatch(theirs: 99).description
        #expect(words.contains("version 99") && words.contains("version \(ControlProtocol.version)"), "\(words)")
    }

    /// A request line from an older CLI (no version, a string command) reaches a real daemon,
    /// which answers in its own version that the versions differ; it carries nothing out.
    @Test func theDaemonAnswersARequestOfAnotherVersionWithTheMismatch() async throws {
        try await AgentLab.with(overSSH: false) { lab in
            let agent = try await lab.startWatching()
            defer { agent.terminate() }
            var replies: [ControlReply] = []
            try ControlClient.exchange(Data(#"{"command":"failover","skipGate":true}"#.utf8 + [10]), with: lab.folder.file("state/vigil.sock")) {
                replies.append(try JSONDecoder().decode(ControlReply.self, from: $0))
            }
            #expect(replies.count == 2, "\(replies)")
            guard case .line(let text)? = replies.first else {
                Issue.record("no text line: \(replies)")
                return
            }
            #expect(text.contains("version 1 (unversioned)") && text.contains("version \(ControlProtocol.version)"), "\(text)")
            #expect(replies.last == .finished(.failed))
            let status = try await lab.vigil(["status"])
            #expect(status.output.contains("shop: primaryActive"), "nothing was carried out: \(status.output)")
        }
    }
}
