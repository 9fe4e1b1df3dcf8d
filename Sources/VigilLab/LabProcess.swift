import Foundation
import VigilCore

/// A program the lab started. It is ended by its own PID, never by name.
public final class LabProcess: @unchecked Sendable {
    public let name: String
    public let pid: Int32
    private let process: Process

    private init(name: String, process: Process) {
        self.name = name
        self.process = process
        self.pid = process.processIdentifier
    }

    /// Starts `executable` with its output appended to `log` (or discarded).
    public static func launch(_ executable: String, _ arguments: [String], name: String, log: String? = nil,
                              environment: [String: String]? = nil) throws -> LabProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardInput = FileHandle.nullDevice
        if let log {
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
            process.standardOutput = handle
            process.standardError = handle
        } else {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        return LabProcess(name: name, process: process)
    }

    public var isRunning: Bool { process.isRunning }

    /// SIGTERM, then SIGKILL if it has not ended within `grace`. Returns once it has ended.
    public func terminate(grace: Duration = .seconds(5)) {
        guard process.isRunning else { return }
        kill(pid, SIGTERM)
        if !Self.waitForExit(of: self, within: grace) {
            kill(pid, SIGKILL)
            _ = Self.waitForExit(of: self, within: .seconds(5))
        }
    }

    private static func waitForExit(of process: LabProcess, within limit: Duration) -> Bool {
        let deadline = ContinuousClock.now.advanced(by: limit)
        while process.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
        return !process.isRunning
    }

    /// Runs a program to its end and returns its exit status and combined output.
    /// A program that outlives `timeout` is killed and reported as such.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], timeout: Duration = .seconds(60),
                           check: Bool = true) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(timeout.wholeMilliseconds)), execute: watchdog)
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        let output = String(decoding: data, as: UTF8.self)
        let command = ([executable] + arguments).joined(separator: " ")
        if process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL {
            throw LabError.timedOut("`\(command)` to finish within \(timeout)")
        }
        if check && process.terminationStatus != 0 {
            throw LabError.commandFailed(command, status: process.terminationStatus, output: output)
        }
        return (process.terminationStatus, output)
    }

    /// Throws `LabError.missingProgram` (which names the setup command) unless `path` is executable.
    public static func require(_ path: String, package: String) throws {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw LabError.missingProgram(path, package: package)
        }
    }
}
