import Foundation

/// A private temporary folder for one lab server, removed when the server is torn down.
public struct LabFolder: Sendable {
    public let path: String
    /// The user the folder and every file written into it belong to (nil: whoever runs the lab).
    public private(set) var owner: (uid: uid_t, gid: gid_t)?

    public init(prefix: String) throws {
        // NSTemporaryDirectory() ends with a slash: one separator, so paths read as they are.
        let base = NSTemporaryDirectory().hasSuffix("/") ? String(NSTemporaryDirectory().dropLast()) : NSTemporaryDirectory()
        var template = Array("\(base)/vigil-\(prefix)-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw LabError.commandFailed("mkdtemp", status: errno, output: String(cString: strerror(errno)))
        }
        path = String(cString: created)
    }

    public func file(_ name: String) -> String { "\(path)/\(name)" }

    public func write(_ name: String, _ contents: String, mode: Int = 0o644) throws {
        try contents.write(toFile: file(name), atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file(name))
        handOver(name)
    }

    /// Gives a file made in the folder by another program to the folder's owner.
    public func handOver(_ name: String) {
        if let owner { chown(file(name), owner.uid, owner.gid) }
    }

    /// Gives the folder and everything in it to a user; files written later are given too.
    public mutating func give(to uid: uid_t, _ gid: gid_t) {
        owner = (uid, gid)
        chown(path, uid, gid)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
            chown(file(name), uid, gid)
        }
    }

    public func read(_ name: String) -> String {
        (try? String(contentsOfFile: file(name), encoding: .utf8)) ?? ""
    }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}
