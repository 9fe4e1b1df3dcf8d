import Foundation
import Testing
import VigilAgent
import VigilLab
import VigilNotify

@Suite struct SecretTests {
    @Test func secretsComeFromAPrivateFileOrTheEnvironment() throws {
        let folder = try LabFolder(prefix: "secrets")
        defer { folder.remove() }
        try folder.write("hook", "https://hooks.example/T/B/canary-1\n", mode: 0o600)
        #expect(try SecretSource.file(folder.file("hook")).load().exposed == "https://hooks.example/T/B/canary-1")
        #expect(try SecretSource.environment("HOOK").load(environment: ["HOOK": "s3cret"]).exposed == "s3cret")
        #expect(try SecretSource.value("inline").load().exposed == "inline")
    }

    @Test func aSecretFileOthersCanReadIsRefusedWithTheFix() throws {
        let folder = try LabFolder(prefix: "secrets")
        defer { folder.remove() }
        try folder.write("hook", "https://hooks.example/T/B/canary-2\n", mode: 0o644)
        do {
            _ = try SecretSource.file(folder.file("hook")).load()
            Issue.record("a world-readable secret file was accepted")
        } catch let error as SecretSource.LoadError {
            #expect(error.description.contains("chmod 600"))
            #expect(!error.description.contains("canary-2"), "the error never shows the secret")
        }
        #expect(throws: SecretSource.LoadError.self) { try SecretSource.environment("UNSET_VIGIL_VAR").load(environment: [:]) }
        #expect(throws: SecretSource.LoadError.self) { try SecretSource.file(folder.file("missing")).load() }
    }

    /// Found by probing: a link to a private file was refused as "mode 777" (lstat).
    @Test func aSecretFileBehindASymlinkIsJudgedByTheFileItNames() throws {
        let folder = try LabFolder(prefix: "secrets")
        defer { folder.remove() }
        try folder.write("hook", "https://hooks.example/T/B/canary-3\n", mode: 0o600)
        try FileManager.default.createSymbolicLink(atPath: folder.file("link"), withDestinationPath: folder.file("hook"))
        #expect(try SecretSource.file(folder.file("link")).load().exposed == "https://hooks.example/T/B/canary-3")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: folder.file("hook"))
        #expect(throws: SecretSource.LoadError.self) { try SecretSource.file(folder.file("link")).load() }
    }

    @Test func retriesBackOffExponentiallyWithJitterUpToTheCap() {
        let policy = DeliveryPolicy()
        #expect(policy.retryDelay(attempt: 1, random: 0) == .milliseconds(500))
        #expect(policy.retryDelay(attempt: 1, random: 1) == .seconds(1))
        #expect(policy.retryDelay(attempt: 4, random: 1) == .seconds(8))
        #expect(policy.retryDelay(attempt: 30, random: 1) == .seconds(60))
        #expect(policy.retryDelay(attempt: 30, random: 0) == .seconds(30))
    }
}
