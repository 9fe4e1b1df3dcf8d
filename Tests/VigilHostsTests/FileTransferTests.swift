import Foundation
import Testing
import VigilCore
import VigilHosts
import VigilLab

/// Reads and atomic whole-file replacement, over SFTP and, against an sshd without the SFTP
/// subsystem (a common hardening), over exec. sshd runs on this machine, so the test checks the
/// remote files on the local disk.
@Suite struct FileTransferTests {
    @Test(arguments: [FileTransfer.sftp, .exec])
    func theTransferIsChosenByWhatTheServerOffers(_ files: FileTransfer) async throws {
        try await withSSH(files: files) { _, connection in
            let first = try await connection.fileTransfer()
            let again = try await connection.fileTransfer()
            #expect(first == files)
            #expect(again == files, "remembered for the session")
        }
    }

    @Test(arguments: [FileTransfer.sftp, .exec])
    func aRemoteFileIsReadWhole(_ files: FileTransfer) async throws {
        try await withSSH(files: files) { server, connection in
            try server.folder.write("upstream.conf", "upstream vigil_app { server 127.0.0.1:1; }\n")
            let contents = try await connection.readFile(server.folder.file("upstream.conf"))
            #expect(String(decoding: contents, as: UTF8.self) == "upstream vigil_app { server 127.0.0.1:1; }\n")
        }
    }

    @Test(arguments: [FileTransfer.sftp, .exec])
    func aMissingRemoteFileIsNamed(_ files: FileTransfer) async throws {
        try await withSSH(files: files) { server, connection in
            let path = server.folder.file("nope.conf")
            let error = await remoteError { _ = try await connection.readFile(path) }
            #expect(error?.kind == .remoteFileNotFound)
            #expect(error?.message.contains(path) == true)
        }
    }

    @Test(arguments: [FileTransfer.sftp, .exec])
    func aFileLargerThanAllowedIsRefused(_ files: FileTransfer) async throws {
        try await withSSH(files: files) { server, connection in
            try server.folder.write("big", String(repeating: "x", count: 10_000))
            let error = await remoteError { _ = try await connection.readFile(server.folder.file("big"), maxBytes: 1_000) }
            #expect(error?.kind == .fileTooLarge)
        }
    }

    @Test(arguments: [FileTransfer.sftp, .exec])
    func replacementSwapsTheWholeFileKeepsItsModeAndLeavesNoTemporaryFile(_ files: FileTransfer) async throws {
        try await withSSH(files: files) { server, connection in
            try server.folder.write("upstream.conf", "old\n", mode: 0o640)
            let path = server.folder.file("upstream.conf")
            try await connection.replaceFile(path, with: Array("new contents\n".utf8))
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "new contents\n")
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o640)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: server.folder.path).filter { $0.contains(".vigil-") }
            #expect(leftovers.isEmpty)
        }
    }

    @Test(arguments: [FileTransfer.sftp, .exec])
    func aNewFileIsCreated(_ files: FileTransfer) async throws {
        try await withSSH(files: files) { server, connection in
            let path = server.folder.file("fresh.conf")
            try await connection.replaceFile(path, with: Array("fresh\n".utf8))
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "fresh\n")
        }
    }

    @Test(arguments: [FileTransfer.sftp, .exec])
    func aTargetInAMissingFolderOrUnderAFileIsNamed(_ files: FileTransfer) async throws {
        try await withSSH(files: files) { server, connection in
            let missing = await remoteError {
                try await connection.replaceFile(server.folder.file("no/such/folder/u.conf"), with: [1])
            }
            #expect(missing?.kind == .remoteFileNotFound)
            try server.folder.write("plain-file", "x")
            let underFile = await remoteError {
                try await connection.replaceFile(server.folder.file("plain-file/u.conf"), with: [1])
            }
            #expect(underFile?.kind == .parentNotFolder)
        }
    }

    @Test(arguments: [FileTransfer.sftp, .exec])
    func aSessionKilledInTheMiddleOfAnUploadLeavesTheOldFileWhole(_ files: FileTransfer) async throws {
        try await withSSH(files: files) { server, connection in
            let old = String(repeating: "old upstream\n", count: 1_000)
            try server.folder.write("upstream.conf", old)
            let path = server.folder.file("upstream.conf")
            let sessionProcess = try await connection.run("echo $PPID", timeout: .seconds(10)).stdoutText
            let pid = try #require(Int32(sessionProcess.trimmingCharacters(in: .whitespacesAndNewlines)))

            let large = [UInt8](repeating: UInt8(ascii: "n"), count: 256 << 20)
            let upload = Task { () -> RemoteError? in
                await remoteError { try await connection.replaceFile(path, with: large) }
            }
            try await LabWait.until("the upload to be under way", timeout: .seconds(30), interval: .milliseconds(5)) {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: server.folder.path)) ?? []
                return names.contains { name in
                    guard name.contains(".vigil-") else { return false }
                    let size = (try? FileManager.default.attributesOfItem(atPath: server.folder.file(name))[.size] as? Int) ?? 0
                    return size > 0
                }
            }
            kill(pid, SIGKILL)
            let error = await upload.value
            #expect(error != nil, "the upload cannot succeed once its session is gone")
            #expect(
                error?.kind == .sessionLost || error?.kind == .remoteIO || error?.kind == .protocolError
                    // Over exec the upload is one command: when its session dies, it may or may not have run.
                    || (files == .exec && error?.kind == .outcomeUnknown),
                "got \(String(describing: error))")
            #expect(try String(contentsOfFile: path, encoding: .utf8) == old, "the target is still the old file, whole")
        }
    }
}
