import Foundation

/// Whole-file replacement on the local disk: write a temp file beside the target, fsync it,
/// rename it over the target, fsync the folder. A crash leaves the old file or the new one.
public enum AtomicFile {
    /// Replaces `path` whole: a temporary file beside it is written, fsynced and renamed over it, then the folder is fsynced.
    /// - Parameters:
    ///   - path: the file to replace (or create).
    ///   - contents: its new bytes.
    ///   - defaultMode: the mode of a new file; an existing file keeps its own.
    public static func replace(_ path: String, with contents: [UInt8], defaultMode: mode_t = 0o644) throws(RemoteError) {
        let parent = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: parent, isDirectory: &isFolder) else {
            throw RemoteError(.remoteFileNotFound, host: "local", "the folder \(parent) of \(path) does not exist")
        }
        guard isFolder.boolValue else {
            throw RemoteError(.parentNotFolder, host: "local", "\(parent) is not a folder, so \(path) cannot be written")
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let mode = (attributes?[.posixPermissions] as? Int).map { mode_t($0) } ?? defaultMode
        let temporary = "\(parent)/.\((path as NSString).lastPathComponent).vigil-\(String(UInt64.random(in: 0...UInt64.max), radix: 16)).tmp"
        func failure(_ what: String) -> RemoteError {
            RemoteError(.localIO, host: "local", "\(what) \(temporary): \(String(cString: strerror(errno)))")
        }
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw failure("cannot create") }
        var written = 0
        while written < contents.count {
            let count = contents.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
            guard count > 0 else {
                let error = failure("cannot write")
                close(descriptor)
                unlink(temporary)
                throw error
            }
            written += count
        }
        guard fchmod(descriptor, mode) == 0, fsync(descriptor) == 0 else {
            let error = failure("cannot sync")
            close(descriptor)
            unlink(temporary)
            throw error
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else {
            let error = failure("cannot rename over \(path):")
            unlink(temporary)
            throw error
        }
        let folder = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            _ = fsync(folder)
            close(folder)
        }
    }
}
