import Foundation
import Testing
import VigilCore
import VigilHosts
import VigilLab

/// The local `Host`, for an agent that runs on the load balancer itself.
@Suite struct LocalHostTests {
    let host = LocalHost()

    @Test func commandsReportStatusAndBothStreams() async throws {
        let result = try await host.run("echo out; echo err >&2; exit 4", timeout: .seconds(5))
        #expect(result.exitStatus == 4)
        #expect(result.stdoutText == "out\n")
        #expect(result.stderrText == "err\n")
        let killed = try await host.run("kill -TERM $$", timeout: .seconds(5))
        #expect(killed.signal == "TERM")
    }

    @Test func theDeadlineKillsTheCommandAndItsChildren() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let error = await remoteError { _ = try await host.run("sleep 30 & sleep 30", timeout: .milliseconds(500)) }
        #expect(error?.kind == .commandTimedOut)
        #expect(start.duration(to: clock.now) < .seconds(3))
    }

    @Test func largeOutputOnBothStreamsIsReadWhole() async throws {
        let result = try await host.run("head -c 3000000 /dev/zero >&2; head -c 2000000 /dev/zero", timeout: .seconds(30))
        #expect(result.stderr.count == 3_000_000)
        #expect(result.stdout.count == 2_000_000)
    }

    @Test func filesAreReadAndReplacedAtomicallyKeepingTheirMode() async throws {
        let folder = try LabFolder(prefix: "local")
        defer { folder.remove() }
        try folder.write("upstream.conf", "old\n", mode: 0o640)
        let path = folder.file("upstream.conf")
        #expect(try await host.readFile(path) == Array("old\n".utf8))
        try await host.replaceFile(path, with: Array("new\n".utf8))
        #expect(try await host.readFile(path) == Array("new\n".utf8))
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["upstream.conf"])

        let missing = await remoteError { _ = try await host.readFile(folder.file("nope")) }
        #expect(missing?.kind == .remoteFileNotFound)
        let underFile = await remoteError { try await host.replaceFile(folder.file("upstream.conf/x"), with: [1]) }
        #expect(underFile?.kind == .parentNotFolder)
        let noFolder = await remoteError { try await host.replaceFile(folder.file("a/b/c"), with: [1]) }
        #expect(noFolder?.kind == .remoteFileNotFound)
    }
}
