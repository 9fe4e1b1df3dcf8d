import Foundation
import Testing
import VigilAgent
import VigilLab

/// The maintenance windows of the config and of the state folder, as `vigil maintenance` and the
/// daemon see them.
@Suite struct MaintenanceBookTests {
    static let now = Date(timeIntervalSince1970: 1_796_000_000)  // Mon 2026-11-30 00:53:20 UTC

    func book(_ folder: LabFolder, configured: [MaintenanceWindow] = []) -> MaintenanceBook {
        MaintenanceBook(configured: configured, stateDirectory: folder.path, serviceNames: ["shop", "blog"])
    }

    func run(_ book: MaintenanceBook, _ request: MaintenanceRequest, reason: String = "") -> (ok: Bool, lines: [String]) {
        var lines: [String] = []
        let ok = book.carryOut(request, reason: reason, by: "alice (uid 1000)", now: Self.now) { lines.append($0) }
        return (ok, lines)
    }

    @Test func startsAreReadAsOperatorsWriteThemInUTC() throws {
        let expected = Date(timeIntervalSince1970: 1_796_695_200)  // 2026-12-08 02:00 UTC
        for text in ["2026-12-08 02:00", "2026-12-08T02:00Z", "2026-12-08T02:00:00Z", "2026-12-08 02:00 UTC", "2026-12-08T03:00+01:00"] {
            #expect(MaintenanceWindow.parseStart(text) == expected, "\(text)")
        }
        #expect(MaintenanceWindow.parseStart("now", now: Self.now) == Self.now)
        #expect(MaintenanceWindow.parseStart("next tuesday") == nil)
        let window = MaintenanceWindow(id: "m-1", start: expected, end: expected.addingTimeInterval(7_200), reason: "x")
        #expect(window.span == "Tue 2026-12-08 02:00–04:00 UTC")
    }

    @Test func windowsAreAddedListedAndCancelledInTheStateFolder() throws {
        let folder = try LabFolder(prefix: "maintenance")
        defer { folder.remove() }
        let start = Self.now.addingTimeInterval(3_600).timeIntervalSince1970
        let configured = MaintenanceWindow(
            id: "config-1", start: Self.now.addingTimeInterval(86_400), end: Self.now.addingTimeInterval(90_000), reason: "kernel")
        let book = book(folder, configured: [configured])
        let added = run(
            book, MaintenanceRequest(action: .add, start: start, durationSeconds: 7_200, services: ["shop"], publicText: "Faster checkout"),
            reason: "database upgrade")
        #expect(
            added.ok
                && added.lines == [
                    "added m-1  Mon 2026-11-30 01:53–03:53 UTC  shop: database upgrade; public: Faster checkout; added by alice (uid 1000)"
                ])
        #expect(
            run(book, MaintenanceRequest(action: .add, start: start, durationSeconds: 600), reason: "again").lines.first?.hasPrefix("added m-2")
                == true)
        let listed = run(book, MaintenanceRequest(action: .list))
        #expect(listed.lines.map { String($0.prefix(8)) } == ["m-1  Mon", "m-2  Mon", "config-1"], "\(listed.lines)")
        let mode = try FileManager.default.attributesOfItem(atPath: folder.file("maintenance.json"))[.posixPermissions] as? Int
        #expect(mode == 0o600)

        #expect(run(book, MaintenanceRequest(action: .cancel, id: "m-1")).lines == ["cancelled m-1 (Mon 2026-11-30 01:53–03:53 UTC)"])
        #expect(run(book, MaintenanceRequest(action: .cancel, id: "m-1")).ok == false)
        let fromConfig = run(book, MaintenanceRequest(action: .cancel, id: "config-1"))
        #expect(!fromConfig.ok && fromConfig.lines == ["config-1 is in the config file: remove it there and reload (systemctl reload vigil)"])
        #expect(try book.windows().map(\.id) == ["m-2", "config-1"])
    }

    @Test func aWindowWithoutReasonUnknownServiceOrInThePastIsRefused() throws {
        let folder = try LabFolder(prefix: "maintenance")
        defer { folder.remove() }
        let book = book(folder)
        let start = Self.now.timeIntervalSince1970
        #expect(
            run(book, MaintenanceRequest(action: .add, start: start, durationSeconds: 600)).lines == [
                "say why with --reason: it is shown to operators and in the messages"
            ])
        #expect(
            run(book, MaintenanceRequest(action: .add, start: start, durationSeconds: 600, services: ["shp"]), reason: "x").lines == [
                "no service named shp; configured: shop, blog"
            ])
        #expect(
            run(book, MaintenanceRequest(action: .add, start: start - 7_200, durationSeconds: 600), reason: "x").lines == [
                "that window is over already (it ends before now)"
            ])
        #expect(run(book, MaintenanceRequest(action: .add, start: start, durationSeconds: 10), reason: "x").ok == false)
        #expect(!FileManager.default.fileExists(atPath: folder.file("maintenance.json")), "nothing was written")
        try folder.write("maintenance.json", "{not json")
        let broken = run(book, MaintenanceRequest(action: .list))
        #expect(!broken.ok && broken.lines.first?.hasPrefix("cannot list maintenance: cannot read \(folder.file("maintenance.json"))") == true)
        #expect(folder.read("maintenance.json") == "{not json", "an unreadable list is never replaced")
        #expect(run(book, MaintenanceRequest(action: .add, start: start, durationSeconds: 600), reason: "x").ok == false)
        #expect(folder.read("maintenance.json") == "{not json")
    }
}
