import Foundation
import Synchronization
import VigilCore
import VigilHosts

/// A program the lab started. It is ended by its own PID, never by name.
///
/// Spawned with posix_spawn rather than Foundation's `Process`, whose `waitUntilExit` can hang
/// when several processes are started from concurrent tasks on Linux.
public final class LabProcess: Sendable {
    public let name: String
    public let pid: pid_t
    /// nil while it runs; then its wait status, once reaped.
    private let waitStatus = Mutex<Int32?>(nil)

    private init(name: String, pid: pid_t) {
        self.name = name
        self.pid = pid
    }

    /// Starts `executable` with stdin from /dev/null and its output appended to `log`; `environment`
    /// adds to (or replaces in) this process's environment.
    public static func launch(
        _ executable: String, _ arguments: [String], name: String, log: String,
        environment: [String: String] = [:]
    ) throws -> LabProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        SpawnHygiene.closeInheritedDescriptors(&actions)
        var argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        SpawnHygiene.resetSignals(&attributes)
        var pid: pid_t = 0
        var merged = ProcessInfo.processInfo.environment
        merged.merge(environment) { $1 }
        var envp: [UnsafeMutablePointer<CChar>?] = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for variable in envp { free(variable) } }
        let status = posix_spawn(&pid, executable, &actions, &attributes, &argv, &envp)
        guard status == 0 else {
            throw LabError.commandFailed(executable, status: status, output: String(cString: strerror(status)))
        }
        return LabProcess(name: name, pid: pid)
    }

    /// Whether it still runs; reaps it once it has ended.
    public var isRunning: Bool {
        waitStatus.withLock { waitStatus in
            guard waitStatus == nil else { return false }
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { waitStatus = status } else if result < 0 && errno == ECHILD { waitStatus = -1 }
            return waitStatus == nil
        }
    }

    /// Its exit code once it has ended normally; nil while it runs or when a signal ended it.
    public var exitCode: Int32? {
        guard !isRunning, let status = waitStatus.withLock({ $0 }), status >= 0, status & 0x7f == 0 else { return nil }
        return (status >> 8) & 0xff
    }

    /// Waits until it has ended on its own, at most `limit`; true when it has.
    public func waitForExit(within limit: Duration) -> Bool {
        let deadline = ContinuousClock.now.advanced(by: limit)
        while isRunning && ContinuousClock.now < deadline { usleep(5_000) }
        return !isRunning
    }

    /// SIGTERM, then SIGKILL if it has not ended within `grace`. Returns once it has ended.
    public func terminate(grace: Duration = .seconds(5)) {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        if !waitForExit(within: grace) {
            kill(pid, SIGKILL)
            _ = waitForExit(within: .seconds(5))
        }
    }

    /// Runs a program to its end (off the cooperative pool) and returns its exit status and its
    /// stdout followed by its stderr. A program that outlives `timeout` is killed.
    @discardableResult
    public static func run(
        _ executable: String, _ arguments: [String], timeout: Duration = .seconds(60),
        check: Bool = true
    ) async throws -> (status: Int32, output: String) {
        let command = ([executable] + arguments).map(shellQuote).joined(separator: " ")
        let result: CommandResult
        do {
            result = try await LocalHost().run(command, timeout: timeout)
        } catch {
            throw LabError.timedOut("`\(command)` to finish within \(timeout): \(error)")
        }
        let output = result.stdoutText + result.stderrText
        let status = result.exitStatus ?? -1
        if check && status != 0 {
            throw LabError.commandFailed(command, status: status, output: output)
        }
        return (status, output)
    }

    /// Throws `LabError.missingProgram` (which names the setup command) unless `path` is executable.
    public static func require(_ path: String, package: String) throws {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw LabError.missingProgram(path, package: package)
        }
    }
}
