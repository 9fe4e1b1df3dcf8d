import Foundation

/// A private temporary folder for one lab server, removed when the server is torn down.
public struct LabFolder: Sendable {
    public let path: String

    public init(prefix: String) throws {
        var template = Array("\(NSTemporaryDirectory())/vigil-\(prefix)-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw LabError.commandFailed("mkdtemp", status: errno, output: String(cString: strerror(errno)))
        }
        path = String(cString: created)
    }

    public func file(_ name: String) -> String { "\(path)/\(name)" }

    public func write(_ name: String, _ contents: String, mode: Int = 0o644) throws {
        try contents.write(toFile: file(name), atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file(name))
    }

    public func read(_ name: String) -> String {
        (try? String(contentsOfFile: file(name), encoding: .utf8)) ?? ""
    }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}
