import Foundation
import Synchronization

/// OpenSSH's sshd on 127.0.0.1 in a folder of its own, with a generated host key, a client key
/// it accepts, and a known_hosts file that names its host key. It runs in the foreground (`-D`),
/// so the lab ends exactly the process it started.
public final class LabSSHServer: Sendable {
    public static let sshd = "/usr/sbin/sshd"
    public static let keygen = "/usr/bin/ssh-keygen"

    public let folder: LabFolder
    public let port: Int
    /// The user tests log in as (see `LabLoginUser`); the folder and its files belong to it.
    public let user: String
    /// An ed25519 client key without a passphrase, listed in authorized_keys.
    public let clientKey: String
    /// A known_hosts file with the server's host key for `[127.0.0.1]:port`.
    public let knownHosts: String
    /// The host key's public half as a known_hosts line.
    public let knownHostsLine: String
    /// The sshd running now: `interrupt` ends it, `resume` starts another on the same port.
    private let process: Mutex<LabProcess>

    private init(
        folder: LabFolder, port: Int, user: String, clientKey: String, knownHosts: String,
        knownHostsLine: String, process: LabProcess
    ) {
        self.folder = folder
        self.port = port
        self.user = user
        self.clientKey = clientKey
        self.knownHosts = knownHosts
        self.knownHostsLine = knownHostsLine
        self.process = Mutex(process)
    }

    public var pid: Int32 { process.withLock { $0.pid } }

    /// Ends sshd and the per-connection processes it forked (so open sessions drop too, as when
    /// the host goes away), but keeps its folder, keys and port for `resume`.
    public func interrupt() {
        process.withLock { process in
            let children = Self.children(of: process.pid)
            process.terminate()
            for child in children { kill(child, SIGKILL) }
        }
    }

    /// The processes whose parent is `parent`, from /proc (field 4 of /proc/PID/stat).
    static func children(of parent: Int32) -> [Int32] {
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: "/proc")
        } catch {
            return []
        }
        return entries.compactMap { entry -> Int32? in
            guard let pid = Int32(entry), let stat = FileManager.default.contents(atPath: "/proc/\(entry)/stat") else { return nil }
            // The command name (field 2) is in parentheses and may hold spaces: read after its end.
            let text = String(decoding: stat, as: UTF8.self)
            guard let close = text.lastIndex(of: ")") else { return nil }
            let fields = text[text.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == parent ? pid : nil
        }
    }

    /// Starts sshd again on the same port with the same keys, and waits until it listens.
    public func resume() async throws {
        let started = try LabProcess.launch(
            Self.sshd, ["-D", "-f", folder.file("sshd_config"), "-E", folder.file("sshd.log")],
            name: "sshd", log: folder.file("stderr.log"))
        process.withLock { $0 = started }
        try await LabWait.until("sshd to listen again on port \(port)") {
            guard started.isRunning else { throw LabError.notReady("sshd", log: folder.read("stderr.log") + folder.read("sshd.log")) }
            return folder.read("sshd.pid").trimmingCharacters(in: .whitespacesAndNewlines) == String(started.pid) && FreePort.isListening(port)
        }
    }
    public var log: String { folder.read("sshd.log") }

    /// `sftp` false leaves the SFTP subsystem out, as hardened servers do.
    public static func start(login: LabLoginUser = .fastShell, sftp: Bool = true) async throws -> LabSSHServer {
        try LabProcess.require(sshd, package: "openssh-server")
        try LabProcess.require(keygen, package: "openssh-client")
        // sshd refuses to start without its privilege-separation folder.
        try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        var lastError: (any Error)?
        let account = try await login.resolve()
        for _ in 0..<5 {
            let folder = try LabFolder(prefix: "sshd")
            do {
                return try await start(in: folder, user: account, sftp: sftp)
            } catch {
                lastError = error  // most often another program took the port first: try another
                folder.remove()
            }
        }
        throw lastError ?? LabError.timedOut("sshd to start")
    }

    private static func start(
        in created: LabFolder, user account: (name: String, uid: uid_t, gid: gid_t), sftp: Bool
    ) async throws -> LabSSHServer {
        var folder = created
        let port = try FreePort.pick()
        let user = account.name
        let hostKey = folder.file("host_ed25519")
        try await generateKey(at: hostKey, type: "ed25519")
        let clientKey = folder.file("client_ed25519")
        try await generateKey(at: clientKey, type: "ed25519")
        try folder.write("authorized_keys", folder.read("client_ed25519.pub"), mode: 0o600)
        let hostPublic = folder.read("host_ed25519.pub").split(separator: " ").prefix(2).joined(separator: " ")
        let knownHostsLine = "[127.0.0.1]:\(port) \(hostPublic)"
        try folder.write("known_hosts", knownHostsLine + "\n", mode: 0o600)
        folder.give(to: account.uid, account.gid)
        try folder.write(
            "sshd_config",
            """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(hostKey)
            PidFile \(folder.file("sshd.pid"))
            AuthorizedKeysFile \(folder.file("authorized_keys"))
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin prohibit-password
            UsePAM no
            StrictModes no
            MaxStartups 100:30:200
            MaxSessions 100
            LogLevel DEBUG1
            \(sftp ? "Subsystem sftp /usr/lib/openssh/sftp-server" : "# no SFTP subsystem")

            """)
        let process = try LabProcess.launch(
            sshd, ["-D", "-f", folder.file("sshd_config"), "-E", folder.file("sshd.log")],
            name: "sshd", log: folder.file("stderr.log"))
        let server = LabSSHServer(
            folder: folder, port: port, user: user, clientKey: clientKey,
            knownHosts: folder.file("known_hosts"), knownHostsLine: knownHostsLine, process: process)
        do {
            try await LabWait.until("sshd to listen on port \(port)") {
                guard process.isRunning else {
                    throw LabError.notReady("sshd", log: folder.read("stderr.log") + folder.read("sshd.log"))
                }
                // The pid file is written after sshd bound its port; a listener alone could be
                // another test's server that won the race for the port.
                return folder.read("sshd.pid").trimmingCharacters(in: .whitespacesAndNewlines) == String(process.pid)
                    && FreePort.isListening(port)
            }
        } catch {
            process.terminate()
            throw error
        }
        return server
    }

    /// Makes a client key in the server's folder; `authorize` adds it to authorized_keys.
    public func makeClientKey(
        name: String, type: String = "ed25519", passphrase: String = "",
        authorize: Bool = true
    ) async throws -> String {
        let path = folder.file(name)
        try await Self.generateKey(at: path, type: type, passphrase: passphrase)
        folder.handOver(name)
        folder.handOver("\(name).pub")
        if authorize {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: folder.file("authorized_keys")))
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(folder.read("\(name).pub").utf8))
        }
        return path
    }

    /// A known_hosts file that lists another key for this server's address, as after a host was
    /// rebuilt (or impersonated).
    public func mismatchedKnownHosts() async throws -> String {
        try await Self.generateKey(at: folder.file("impostor_ed25519"), type: "ed25519")
        let impostor = folder.read("impostor_ed25519.pub").split(separator: " ").prefix(2).joined(separator: " ")
        try folder.write("known_hosts.mismatch", "[127.0.0.1]:\(port) \(impostor)\n", mode: 0o600)
        return folder.file("known_hosts.mismatch")
    }

    public func stop() {
        process.withLock { $0.terminate() }
        folder.remove()
    }

    private static func generateKey(at path: String, type: String, passphrase: String = "") async throws {
        var arguments = ["-q", "-t", type, "-N", passphrase, "-C", "vigil-lab", "-f", path]
        if type == "rsa" { arguments += ["-b", "2048"] }
        try await LabProcess.run(keygen, arguments, timeout: .seconds(30))
    }

}
