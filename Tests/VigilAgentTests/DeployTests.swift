import Foundation
import Testing
import VigilCore
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

extension DeployTests {
    /// The package's cheap parts, checked on every run (`scripts/package.sh --verify` does the
    /// whole install outside CI): the maintainer scripts parse, and the completions generate.
    @Test func theMaintainerScriptsParseAndTheCompletionsGenerate() async throws {
        for script in ["postinst", "prerm", "postrm"] {
            let path = Self.deploy.appendingPathComponent("debian").appendingPathComponent(script).path
            let (status, output) = try await LabProcess.run("/bin/sh", ["-n", path], check: false)
            #expect(status == 0, "\(script): \(output)")
            #expect(FileManager.default.isExecutableFile(atPath: path), "\(script) is executable")
        }
        for shell in ["bash", "zsh", "fish"] {
            let (status, output) = try await LabProcess.run(LabBinary.path("vigil"), ["--generate-completion-script", shell], check: false)
            #expect(status == 0 && output.contains("vigil") && output.contains("failover"), "\(shell): \(output.prefix(300))")
        }
    }
}

extension DeployTests {
    /// `vigil --version` names the version and the commit the binary was built from (the
    /// BuildCommit plugin), marked when the tree had uncommitted changes.
    @Test func theVersionNamesTheCommitItWasBuiltFrom() async throws {
        let repository = Self.deploy.deletingLastPathComponent().path
        try LabProcess.require("/usr/bin/git", package: "git")
        let (_, head) = try await LabProcess.run("/usr/bin/git", ["-C", repository, "rev-parse", "--short=12", "HEAD"])
        let (_, output) = try await LabProcess.run(LabBinary.path("vigil"), ["--version"])
        let version = output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(version.hasPrefix("\(VigilVersion.current) (commit \(head.trimmingCharacters(in: .whitespacesAndNewlines))"), "\(version)")
    }
}
