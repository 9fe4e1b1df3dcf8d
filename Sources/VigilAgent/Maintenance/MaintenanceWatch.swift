import Foundation
import Synchronization

/// The daemon's view of the maintenance windows: the state folder's file is read again only
/// when it changed, and what was last read is shared by the schedule and the status pages (a
/// file that cannot be read leaves the windows read before in force; the schedule says why).
final class MaintenanceWatch: Sendable {
    let book: MaintenanceBook
    private struct Seen {
        var windows: [MaintenanceWindow]
        /// The file's modification time and size at the last read; nil: not there.
        var stamp: [Int]?
        var read = false
    }
    private let seen: Mutex<Seen>

    init(book: MaintenanceBook) {
        self.book = book
        seen = Mutex(Seen(windows: book.configured))
    }

    /// The windows as last read (the config's and the state folder's).
    var windows: [MaintenanceWindow] { seen.withLock { $0.windows } }

    /// Reads the windows again when the file changed since the last read.
    func refresh() throws(MaintenanceStore.ReadError) {
        var info = stat()
        let stamp = stat(book.store.path, &info) == 0 ? [info.st_mtim.tv_sec, info.st_mtim.tv_nsec, Int(info.st_size)] : nil
        guard seen.withLock({ !$0.read || $0.stamp != stamp }) else { return }
        let windows = try book.windows()
        seen.withLock { $0 = Seen(windows: windows, stamp: stamp, read: true) }
    }
}
