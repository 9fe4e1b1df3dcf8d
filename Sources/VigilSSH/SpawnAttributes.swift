import Foundation

/// posix_spawn passes the parent thread's signal mask and ignored signals to the child; a
/// Dispatch or Swift concurrency thread blocks several, and a child that cannot receive SIGTERM
/// cannot be stopped politely. Every program Vigil starts gets a clean slate.
public enum SpawnAttributes {
    public static func resetSignals(_ attributes: inout posix_spawnattr_t, flags: Int32 = 0) {
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(flags | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    }
}
