import Foundation

/// Whom the lab's sshd lets tests log in as.
public enum LabLoginUser: Sendable {
    /// `vigil-lab`, a system user whose shell is `/bin/sh`, created when the lab runs as root.
    /// Root's own login shell on these machines reads a `~/.bashrc` that costs time and can write
    /// noise to stderr, which would blur what a test of Vigil's own exec measures. Without root,
    /// the current user.
    case fastShell
    /// Whoever runs the lab (root in CI): needed to drive the lab's root-owned nginx.
    case current

    static let fastShellName = "vigil-lab"

    /// The user's name, uid and gid, creating the fast-shell user if needed.
    public func resolve() async throws -> (name: String, uid: uid_t, gid: gid_t) {
        switch self {
        case .current:
            return try Self.lookUp(uid: geteuid())
        case .fastShell:
            guard geteuid() == 0 else { return try Self.lookUp(uid: geteuid()) }
            if let user = Self.lookUp(name: Self.fastShellName) {
                // An older lab made it with another home (sshd prints a warning for a missing one).
                if String(cString: getpwnam(Self.fastShellName).pointee.pw_dir) != "/" {
                    _ = try? await LabProcess.run("/usr/sbin/usermod", ["--home", "/", "--password", "*", Self.fastShellName])
                }
                return user
            }
            try LabProcess.require("/usr/sbin/useradd", package: "passwd")
            // Concurrent tests may race to create it; whoever loses finds it made. The password
            // `*` (no password, not locked): sshd without PAM refuses every login to a locked
            // account, keys included.
            _ = try? await LabProcess.run(
                "/usr/sbin/useradd",
                [
                    "--system", "--no-create-home", "--home-dir", "/",
                    "--shell", "/bin/sh", "--password", "*", Self.fastShellName,
                ])
            guard let user = Self.lookUp(name: Self.fastShellName) else {
                throw LabError.commandFailed("useradd \(Self.fastShellName)", status: 1, output: "the user was not created")
            }
            return user
        }
    }

    private static func lookUp(uid: uid_t) throws -> (name: String, uid: uid_t, gid: gid_t) {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else {
            throw LabError.commandFailed("getpwuid(\(uid))", status: 1, output: "no such user")
        }
        return (String(cString: name), entry.pointee.pw_uid, entry.pointee.pw_gid)
    }

    private static func lookUp(name: String) -> (name: String, uid: uid_t, gid: gid_t)? {
        guard let entry = getpwnam(name) else { return nil }
        return (name, entry.pointee.pw_uid, entry.pointee.pw_gid)
    }
}
