import Foundation

/// What every program Vigil starts must not inherit from it.
public enum SpawnHygiene {
    /// posix_spawn passes the parent thread's signal mask and ignored signals to the child; a
    /// Dispatch or Swift concurrency thread blocks several, and a child that cannot receive
    /// SIGTERM cannot be stopped politely. Every child gets a clean slate.
    public static func resetSignals(_ attributes: inout posix_spawnattr_t, flags: Int32 = 0) {
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(flags | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    }

    /// Closes every descriptor above stderr in the child. Sockets are not all opened close-on-exec,
    /// and a child holding a copy of a listening socket keeps it accepting after Vigil closed it.
    /// Add it after the actions that set up 0, 1 and 2.
    public static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        let status = addCloseFrom(&actions, 3)
        precondition(status == 0, "posix_spawn_file_actions_addclosefrom_np failed: \(status)")
    }
}

/// glibc 2.34+ (Debian 12 has 2.36) declares this only under _GNU_SOURCE, which Swift's Glibc
/// module does not set; the symbol is there, with a plain C signature.
@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
private func addCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ lowest: Int32) -> Int32
