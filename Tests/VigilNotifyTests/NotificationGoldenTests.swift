import Foundation
import Testing
import VigilCore
import VigilNotify

/// Every message kind on every channel type, as the exact JSON sent. Set VIGIL_RECORD_GOLDEN=1
/// to write the files anew after a deliberate change, then review the diff.
@Suite struct NotificationGoldenTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let time = Date(timeIntervalSince1970: 1_795_000_000)

    @Test(arguments: ChannelKind.allCases)
    func everyKindMatchesItsGoldenFile(_ channel: ChannelKind) throws {
        let record = ProcessInfo.processInfo.environment["VIGIL_RECORD_GOLDEN"] == "1"
        let renderer = try MessageRenderer()
        for kind in NotificationFixtures.allKinds {
            let message = NotificationFixtures.message(kind)
            let rendered = renderer.render(message, statusPageURL: "https://status.example/vigil")
            let body = NotificationPayload.body(
                for: message, rendered: rendered, channel: NotificationFixtures.channel(channel), eventID: "event-\(kind.rawValue)",
                agentHost: "lb-1", time: Self.time)
            let file = Self.folder.appendingPathComponent("\(channel.rawValue)-\(kind.rawValue).\(channel == .email ? "eml" : "json")")
            if record {
                try Data(body + [UInt8(ascii: "\n")]).write(to: file)
                continue
            }
            let golden = try #require(FileManager.default.contents(atPath: file.path), "missing \(file.lastPathComponent)")
            #expect(
                String(decoding: body, as: UTF8.self) + "\n" == String(decoding: golden, as: UTF8.self),
                "\(file.lastPathComponent) differs")
            if channel != .email {
                #expect(throws: Never.self, "valid JSON") { try JSONSerialization.jsonObject(with: Data(body)) }
            }
        }
    }

    @Test func aChannelCanOverrideTheWording() throws {
        let renderer = try MessageRenderer(overrides: [.incidentStarted: "[{{{service}}}] {{{from}}} is down, moving to {{{to}}}"])
        let rendered = renderer.render(NotificationFixtures.message(.incidentStarted))
        #expect(rendered.text == "[shop] primary is down, moving to standby")
        #expect(throws: MessageRenderer.TemplateError.self) { try MessageRenderer(overrides: [.paused: "{{#unclosed}}"]) }
    }
}
