import Testing
import VigilCore
import VigilHosts
import VigilLab

@Suite struct AuthenticationTests {
    @Test func aKeyTheServerDoesNotKnowIsRefused() async throws {
        try await withLabServer({ try await LabSSHServer.start() }) { server in
            let stranger = try await server.makeClientKey(name: "stranger_ed25519", authorize: false)
            let error = await remoteError { try await SSHConnection(target: server.target(identity: stranger)).connect() }
            #expect(error?.kind == .authenticationFailed)
            #expect(error?.message.contains("authorized_keys") == true)
            #expect(error?.libraryCode != nil)
        }
    }

    @Test func anRSAKeyRefusedByTheServerExplainsTheSHA1Limit() async throws {
        try await withLabServer({ try await LabSSHServer.start() }) { server in
            let rsa = try await server.makeClientKey(name: "client_rsa", type: "rsa")
            let error = await remoteError { try await SSHConnection(target: server.target(identity: rsa)).connect() }
            #expect(error?.kind == .authenticationFailed)
            #expect(error?.message.contains("SHA-1") == true)
            #expect(error?.message.contains("ed25519") == true)
        }
    }

    @Test func aPassphraseProtectedKeyWorksWithItsPassphraseOnly() async throws {
        try await withLabServer({ try await LabSSHServer.start() }) { server in
            let key = try await server.makeClientKey(name: "locked_ed25519", passphrase: "correct horse")
            try await SSHConnection(target: server.target(identity: key, passphrase: "correct horse")).connect()
            let error = await remoteError {
                try await SSHConnection(target: server.target(identity: key, passphrase: "hunter2-canary")).connect()
            }
            #expect(error?.kind == .keyFileUnusable)
            #expect(error?.description.contains("hunter2") == false, "the passphrase never appears in errors")
        }
    }

    @Test func unusableKeyFilesAreNamedBeforeConnecting() async throws {
        try await withLabServer({ try await LabSSHServer.start() }) { server in
            try server.folder.write("not_a_key", "hello, I am a text file\n")
            let cases: [(String, String)] = [
                (server.folder.file("missing_key"), "does not exist"),
                (server.folder.path, "is a folder"),
                (server.folder.file("client_ed25519.pub"), "is a public key"),
                (server.folder.file("not_a_key"), "is not a private key"),
            ]
            for (path, words) in cases {
                let error = await remoteError { try await SSHConnection(target: server.target(identity: path)).connect() }
                #expect(error?.kind == .keyFileUnusable, "\(path)")
                #expect(error?.message.contains(words) == true, "\(error?.message ?? "no error") should say \(words)")
            }
        }
    }
}
