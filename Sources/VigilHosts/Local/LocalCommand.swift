import Foundation

/// Runs `/bin/sh -c command` in a process group of its own, reading stdout and stderr together,
/// and kills the whole group at the deadline (a child of the command may hold the pipes open).
enum LocalCommand {
    static func run(_ command: String, deadline: ContinuousClock.Instant, maxOutputBytes: Int) throws(RemoteError) -> CommandResult {
        var stdoutPipe: [Int32] = [0, 0]
        var stderrPipe: [Int32] = [0, 0]
        guard pipe(&stdoutPipe) == 0, pipe(&stderrPipe) == 0 else { throw failure("cannot create pipes") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)
        SpawnHygiene.closeInheritedDescriptors(&actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        SpawnHygiene.resetSignals(&attributes, flags: POSIX_SPAWN_SETPGROUP)
        posix_spawnattr_setpgroup(&attributes, 0)

        var pid: pid_t = 0
        let arguments = ["/bin/sh", "-c", command]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, &argv, environ)
        close(stdoutPipe[1])
        close(stderrPipe[1])
        defer {
            close(stdoutPipe[0])
            close(stderrPipe[0])
        }
        guard spawned == 0 else {
            throw RemoteError(.localIO, host: "local", "cannot start /bin/sh: \(String(cString: strerror(spawned)))")
        }

        var output: [[UInt8]] = [[], []]
        var truncated = false
        var open = [true, true]
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while open[0] || open[1] {
            let remaining = ContinuousClock.now.duration(to: deadline).wholeMilliseconds
            guard remaining > 0 else {
                kill(-pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
                throw RemoteError(.commandTimedOut, host: "local", "the command did not end before its deadline and was killed")
            }
            var descriptors = [
                pollfd(fd: open[0] ? stdoutPipe[0] : -1, events: Int16(POLLIN), revents: 0),
                pollfd(fd: open[1] ? stderrPipe[0] : -1, events: Int16(POLLIN), revents: 0),
            ]
            guard poll(&descriptors, 2, Int32(min(remaining, 1_000))) >= 0 || errno == EINTR else {
                throw failure("poll failed")
            }
            for stream in 0..<2 where open[stream] && descriptors[stream].revents != 0 {
                let count = read(descriptors[stream].fd, &buffer, buffer.count)
                if count <= 0 {
                    open[stream] = false
                    continue
                }
                let room = maxOutputBytes - output[stream].count
                output[stream].append(contentsOf: buffer.prefix(min(count, max(0, room))))
                if count > room { truncated = true }
            }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        return CommandResult(
            exitStatus: signal == 0 ? (status >> 8) & 0xff : nil,
            signal: signal == 0 ? nil : SignalName.of(signal),
            stdout: output[0], stderr: output[1], outputTruncated: truncated)
    }

    private static func failure(_ what: String) -> RemoteError {
        RemoteError(.localIO, host: "local", "\(what): \(String(cString: strerror(errno)))")
    }
}

/// Signal names as SSH reports them (`TERM`, not `SIGTERM`).
enum SignalName {
    static func of(_ number: Int32) -> String {
        let names: [Int32: String] = [
            SIGHUP: "HUP", SIGINT: "INT", SIGQUIT: "QUIT", SIGABRT: "ABRT", SIGKILL: "KILL",
            SIGSEGV: "SEGV", SIGPIPE: "PIPE", SIGALRM: "ALRM", SIGTERM: "TERM",
        ]
        return names[number] ?? String(number)
    }
}
