import Foundation

/// What a private key file is, read before libssh2 sees it, so a wrong file gets a clear error
/// instead of libssh2's generic one.
struct SSHKeyFile {
    /// The key's algorithm as SSH names it (`ssh-ed25519`, `ssh-rsa`, ...), or nil when unknown.
    let algorithm: String?

    static func inspect(_ path: String, peer: String) throws(RemoteError) -> SSHKeyFile {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw RemoteError(.keyFileUnusable, host: peer, "identity file \(path) does not exist")
        }
        guard !isFolder.boolValue else {
            throw RemoteError(.keyFileUnusable, host: peer, "identity file \(path) is a folder, not a key file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RemoteError(.keyFileUnusable, host: peer, "identity file \(path) cannot be read")
        }
        let text = String(decoding: data.prefix(64 * 1024), as: UTF8.self)
        if text.hasPrefix("ssh-") || text.hasPrefix("ecdsa-") {
            throw RemoteError(
                .keyFileUnusable, host: peer,
                "identity file \(path) is a public key; name the private key (the file without .pub)")
        }
        if text.contains("-----BEGIN OPENSSH PRIVATE KEY-----") {
            return SSHKeyFile(algorithm: openSSHAlgorithm(text))
        }
        if text.contains("-----BEGIN RSA PRIVATE KEY-----") { return SSHKeyFile(algorithm: "ssh-rsa") }
        if text.contains("-----BEGIN EC PRIVATE KEY-----") { return SSHKeyFile(algorithm: "ecdsa") }
        if text.contains("-----BEGIN") && text.contains("PRIVATE KEY-----") { return SSHKeyFile(algorithm: nil) }
        throw RemoteError(
            .keyFileUnusable, host: peer,
            "identity file \(path) is not a private key (expected an OpenSSH or PEM private key)")
    }

    /// Reads the unencrypted public part of an `openssh-key-v1` file for the key's type.
    private static func openSSHAlgorithm(_ text: String) -> String? {
        let body = text.components(separatedBy: "\n")
            .filter { !$0.hasPrefix("-----") }
            .joined()
        guard let blob = Data(base64Encoded: body) else { return nil }
        var reader = BlobReader(bytes: [UInt8](blob))
        guard reader.take(15) == Array("openssh-key-v1\0".utf8),
            reader.string() != nil,  // cipher
            reader.string() != nil,  // KDF
            reader.string() != nil,  // KDF options
            reader.uint32() != nil,  // key count
            let publicKey = reader.string()
        else { return nil }
        var inner = BlobReader(bytes: publicKey)
        return inner.string().map { String(decoding: $0, as: UTF8.self) }
    }

    private struct BlobReader {
        let bytes: [UInt8]
        var offset = 0

        mutating func take(_ count: Int) -> [UInt8]? {
            guard count >= 0, offset + count <= bytes.count else { return nil }
            defer { offset += count }
            return Array(bytes[offset..<offset + count])
        }

        mutating func uint32() -> Int? {
            take(4).map { $0.reduce(0) { $0 << 8 | Int($1) } }
        }

        mutating func string() -> [UInt8]? {
            uint32().flatMap { take($0) }
        }
    }
}
