import CLibSSH2
import Foundation

/// Checks a server's host key against an OpenSSH known_hosts file: a match goes on, a mismatch is
/// refused with both fingerprints, an unknown host is refused unless trust-on-first-use was asked
/// for, in which case its key is appended.
enum KnownHosts {
    static func verify(session: OpaquePointer, target: SSHTarget) throws(RemoteError) {
        let peer = target.peer
        var length = 0
        var type: Int32 = 0
        guard let rawKey = libssh2_session_hostkey(session, &length, &type) else {
            throw RemoteError(.handshakeFailed, host: peer, "the server sent no host key")
        }
        let key = [UInt8](UnsafeRawBufferPointer(start: rawKey, count: length))
        guard let algorithm = HostKeyAlgorithm(libssh2Type: type) else {
            throw RemoteError(.handshakeFailed, host: peer, "the server's host key is of a type libssh2 cannot check (\(type))")
        }
        let path = target.knownHostsFile
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
        if isFolder.boolValue {
            throw RemoteError(.knownHostsUnusable, host: peer, "known_hosts \(path) is a folder, not a file")
        }
        guard exists else {
            if target.trustOnFirstUse { return try append(key: key, algorithm: algorithm, to: path, target: target) }
            throw RemoteError(
                .knownHostsUnusable, host: peer,
                "known_hosts file \(path) does not exist; create it with the host's key "
                    + "(`vigil config check --connect --trust-new-host-keys`, or ssh-keyscan checked by hand)")
        }
        guard let knownHosts = libssh2_knownhost_init(session) else {
            throw RemoteError(.knownHostsUnusable, host: peer, "libssh2_knownhost_init failed")
        }
        defer { libssh2_knownhost_free(knownHosts) }
        try load(path, into: knownHosts, peer: peer)

        var found: UnsafeMutablePointer<libssh2_knownhost>?
        let typeMask = LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | algorithm.knownHostMask
        let verdict = rawKey.withMemoryRebound(to: CChar.self, capacity: length) { keyPointer in
            libssh2_knownhost_checkp(knownHosts, target.host, Int32(target.port), keyPointer, length, typeMask, &found)
        }
        switch verdict {
        case LIBSSH2_KNOWNHOST_CHECK_MATCH:
            return
        case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
            let knownKey = found.flatMap { $0.pointee.key }.map { String(cString: $0) }
                .flatMap { Data(base64Encoded: $0) }.map { [UInt8]($0) }
            let knownFingerprint = knownKey.map(fingerprint) ?? "(unreadable)"
            throw RemoteError(
                .hostKeyMismatch, host: peer,
                "HOST KEY MISMATCH: \(path) lists \(knownFingerprint) for this host, but it presented "
                    + "\(algorithm.name) \(fingerprint(key)). The host was rebuilt or someone is in between; "
                    + "refusing to connect. Check the new key out of band, then replace the line.")
        case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
            if target.trustOnFirstUse { return try append(key: key, algorithm: algorithm, to: path, target: target) }
            throw RemoteError(
                .hostKeyUnknown, host: peer,
                "host key \(algorithm.name) \(fingerprint(key)) is not in \(path); refusing an unknown host. "
                    + "Add it after checking the fingerprint (`vigil config check --connect --trust-new-host-keys`).")
        default:
            throw RemoteError(
                .knownHostsUnusable, host: peer, "libssh2 could not check the host key against \(path)",
                libraryCode: Int(verdict))
        }
    }

    private static func load(_ path: String, into knownHosts: OpaquePointer, peer: String) throws(RemoteError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RemoteError(.knownHostsUnusable, host: peer, "known_hosts \(path) cannot be read")
        }
        try read(String(decoding: data, as: UTF8.self), from: path, into: knownHosts, peer: peer)
    }

    /// Reads known_hosts text line by line, so a corrupt line is reported with its number.
    static func read(_ text: String, from path: String, into knownHosts: OpaquePointer, peer: String) throws(RemoteError) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, rawLine) in lines.enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            // Markers (@cert-authority, @revoked) are OpenSSH features libssh2 cannot read.
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("@") { continue }
            // libssh2 accepts some nonsense (it reads unknown shapes as old RSA1 keys), so the
            // shape is checked here first: hosts, key type, base64 key.
            let fields = line.split(whereSeparator: \.isWhitespace)
            let wellFormed =
                fields.count >= 3 && fields[1].contains("-")
                && !(Data(base64Encoded: String(fields[2])) ?? Data()).isEmpty
            // A key type libssh2 does not know (security keys, certificates) is not ours to check.
            if wellFormed && !HostKeyAlgorithm.names.contains(String(fields[1])) { continue }
            let status =
                wellFormed
                ? libssh2_knownhost_readline(knownHosts, line, line.utf8.count, LIBSSH2_KNOWNHOST_FILE_OPENSSH)
                : LIBSSH2_ERROR_KNOWN_HOSTS
            guard status == 0 else {
                throw RemoteError(
                    .knownHostsUnusable, host: peer,
                    "\(path):\(index + 1): not a valid known_hosts line; fix or remove it",
                    libraryCode: Int(status))
            }
        }
    }

    private static func append(
        key: [UInt8], algorithm: HostKeyAlgorithm, to path: String,
        target: SSHTarget
    ) throws(RemoteError) {
        let hostField = target.port == 22 ? target.host : "[\(target.host)]:\(target.port)"
        var text = "\(hostField) \(algorithm.name) \(Data(key).base64EncodedString())\n"
        let existing = FileManager.default.contents(atPath: path) ?? Data()
        if let last = existing.last, last != UInt8(ascii: "\n") { text = "\n" + text }
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw RemoteError(
                .knownHostsUnusable, host: target.peer,
                "cannot append to \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else {
            throw RemoteError(
                .knownHostsUnusable, host: target.peer,
                "cannot write to \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// `SHA256:` and the unpadded base64 of the key blob's SHA-256, as `ssh-keygen -l` prints it.
    static func fingerprint(_ key: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        key.withUnsafeBufferPointer { vigil_sha256($0.baseAddress, $0.count, &digest) }
        let encoded = Data(digest).base64EncodedString().replacingOccurrences(of: "=", with: "")
        return "SHA256:\(encoded)"
    }
}

/// The host key types libssh2 1.10 knows, with their known_hosts names and masks.
struct HostKeyAlgorithm {
    let name: String
    let knownHostMask: Int32

    static let names: Set = [
        "ssh-rsa", "ssh-dss", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
        "ssh-ed25519",
    ]

    init?(libssh2Type: Int32) {
        switch libssh2Type {
        case LIBSSH2_HOSTKEY_TYPE_RSA: (name, knownHostMask) = ("ssh-rsa", LIBSSH2_KNOWNHOST_KEY_SSHRSA)
        case LIBSSH2_HOSTKEY_TYPE_DSS: (name, knownHostMask) = ("ssh-dss", LIBSSH2_KNOWNHOST_KEY_SSHDSS)
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_256: (name, knownHostMask) = ("ecdsa-sha2-nistp256", LIBSSH2_KNOWNHOST_KEY_ECDSA_256)
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_384: (name, knownHostMask) = ("ecdsa-sha2-nistp384", LIBSSH2_KNOWNHOST_KEY_ECDSA_384)
        case LIBSSH2_HOSTKEY_TYPE_ECDSA_521: (name, knownHostMask) = ("ecdsa-sha2-nistp521", LIBSSH2_KNOWNHOST_KEY_ECDSA_521)
        case LIBSSH2_HOSTKEY_TYPE_ED25519: (name, knownHostMask) = ("ssh-ed25519", LIBSSH2_KNOWNHOST_KEY_ED25519)
        default: return nil
        }
    }
}
