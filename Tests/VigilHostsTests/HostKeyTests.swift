import Foundation
import Testing
import VigilCore
import VigilHosts
import VigilLab

/// Host keys are checked against known_hosts: match, mismatch, unknown, trust-on-first-use, and
/// known_hosts files that are missing or broken.
@Suite struct HostKeyTests {
    @Test func aMatchingHostKeyConnects() async throws {
        try await withSSH { _, connection in
            let result = try await connection.run("echo hello", timeout: .seconds(10))
            #expect(result.stdoutText == "hello\n")
            #expect(result.exitStatus == 0)
        }
    }

    @Test func aMismatchedHostKeyIsRefusedWithBothFingerprints() async throws {
        try await withLabServer({ try await LabSSHServer.start() }) { server in
            let mismatch = try await server.mismatchedKnownHosts()
            let presented = try await LabProcess.run(LabSSHServer.keygen, ["-lf", server.folder.file("host_ed25519.pub")]).output
            let listed = try await LabProcess.run(LabSSHServer.keygen, ["-lf", server.folder.file("impostor_ed25519.pub")]).output
            let error = await remoteError { try await SSHConnection(target: server.target(knownHosts: mismatch)).connect() }
            #expect(error?.kind == .hostKeyMismatch)
            let message = error?.message ?? ""
            #expect(message.contains(String(presented.split(separator: " ")[1])), "names the key the server presented")
            #expect(message.contains(String(listed.split(separator: " ")[1])), "names the key known_hosts lists")
        }
    }

    @Test func anUnknownHostIsRefused() async throws {
        try await withLabServer({ try await LabSSHServer.start() }) { server in
            try server.folder.write("known_hosts.other", "[127.0.0.1]:1 \(server.knownHostsLine.split(separator: " ", maxSplits: 1)[1])\n")
            let error = await remoteError {
                try await SSHConnection(target: server.target(knownHosts: server.folder.file("known_hosts.other"))).connect()
            }
            #expect(error?.kind == .hostKeyUnknown)
            #expect(error?.message.contains("SHA256:") == true)
        }
    }

    @Test func trustOnFirstUseRecordsTheKeyAndTheNextConnectionChecksIt() async throws {
        try await withLabServer({ try await LabSSHServer.start() }) { server in
            let path = server.folder.file("known_hosts.new")
            let refused = await remoteError { try await SSHConnection(target: server.target(knownHosts: path)).connect() }
            #expect(refused?.kind == .knownHostsUnusable, "without trust-on-first-use a missing file is an error")
            #expect(refused?.message.contains(path) == true)

            try await SSHConnection(target: server.target(knownHosts: path, trustOnFirstUse: true)).connect()
            let recorded = try String(contentsOfFile: path, encoding: .utf8)
            #expect(recorded == server.knownHostsLine + "\n")
            try await SSHConnection(target: server.target(knownHosts: path)).connect()
        }
    }

    @Test func aCorruptKnownHostsLineIsReportedWithItsNumber() async throws {
        try await withLabServer({ try await LabSSHServer.start() }) { server in
            try server.folder.write("known_hosts.corrupt", "# comment\n\(server.knownHostsLine)\nthis is not a known_hosts line\n")
            let path = server.folder.file("known_hosts.corrupt")
            let error = await remoteError { try await SSHConnection(target: server.target(knownHosts: path)).connect() }
            #expect(error?.kind == .knownHostsUnusable)
            #expect(error?.message.contains("\(path):3") == true)
        }
    }

    @Test func aKnownHostsFolderIsRefused() async throws {
        try await withLabServer({ try await LabSSHServer.start() }) { server in
            let error = await remoteError { try await SSHConnection(target: server.target(knownHosts: server.folder.path)).connect() }
            #expect(error?.kind == .knownHostsUnusable)
        }
    }
}
