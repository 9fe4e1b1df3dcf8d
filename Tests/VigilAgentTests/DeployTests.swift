import Foundation
import Testing
import VigilLab

/// The unit passes `systemd-analyze verify` (with the binary path pointed at the built vigil).
@Suite struct DeployTests {
    static let deploy = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("deploy")

    @Test func systemdAcceptsTheUnit() async throws {
        try LabProcess.require("/usr/bin/systemd-analyze", package: "systemd")
        let folder = try LabFolder(prefix: "unit")
        defer { folder.remove() }
        let unit = try String(contentsOf: Self.deploy.appendingPathComponent("vigil.service"), encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/vigil", with: LabBinary.path("vigil"))
        try folder.write("vigil.service", unit)
        let (status, output) = try await LabProcess.run("/usr/bin/systemd-analyze", ["verify", folder.file("vigil.service")], check: false)
        #expect(status == 0, "\(output)")
        #expect(unit.contains("Restart=on-failure"))
        #expect(unit.contains("ExecReload=/bin/kill -HUP $MAINPID"))
    }
}
