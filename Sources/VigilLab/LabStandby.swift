import Foundation
import VigilCore

/// A cold standby backend: not running until its start script runs. The script detaches the
/// server and returns at once, like `systemctl start`; the server listens after `startDelay`.
/// `failNextStarts` makes the script fail as a broken unit would.
public final class LabStandby: Sendable {
    public let folder: LabFolder
    public let port: Int
    public let name: String
    public let startScript: String
    public let stopScript: String
    /// Keeps the port from other servers until the standby listens on it.
    private let reservation: LabClosedPort

    private init(folder: LabFolder, reservation: LabClosedPort, name: String) {
        self.folder = folder
        self.reservation = reservation
        self.port = reservation.port
        self.name = name
        startScript = folder.file("start.sh")
        stopScript = folder.file("stop.sh")
    }

    public var url: String { "http://127.0.0.1:\(port)" }
    public var healthURL: String { "\(url)/health" }
    public var address: String { "127.0.0.1:\(port)" }
    public var pidFile: String { folder.file("standby.pid") }

    public static func prepare(name: String = "standby", startDelay: Duration = .zero) throws -> LabStandby {
        let binary = LabBinary.path("vigil-lab")
        try LabProcess.require(binary, package: "this package (swift build --product vigil-lab)")
        let folder = try LabFolder(prefix: "standby")
        let standby = LabStandby(folder: folder, reservation: try LabClosedPort(sharedWithLaterListener: true), name: name)
        try folder.write(
            "start.sh",
            """
            #!/bin/sh
            # Starts the lab's standby like `systemctl start`: detach, return at once; a standby
            # that already runs is not started twice (a second one would outlive the lab). Each
            # run is counted, so a test can tell how many runbooks started it.
            echo start >>'\(folder.file("starts.log"))'
            if [ -e '\(folder.file("fail-start"))' ]; then
                echo "standby: start failed (fault injected by the lab)" >&2
                exit 1
            fi
            if [ -s '\(standby.pidFile)' ] && kill -0 "$(cat '\(standby.pidFile)')" 2>/dev/null; then
                exit 0
            fi
            setsid '\(binary)' backend --name '\(name)' --port \(standby.port) \\
                --start-delay \(DurationText.format(startDelay)) --pid-file '\(standby.pidFile)' \\
                --lab-run '\(LabRun.marker)' >>'\(folder.file("standby.log"))' 2>&1 </dev/null &
            exit 0

            """, mode: 0o755)
        try folder.write(
            "stop.sh",
            """
            #!/bin/sh
            # Stops the standby this lab started, by its PID.
            [ -s '\(standby.pidFile)' ] || exit 0
            kill "$(cat '\(standby.pidFile)')" 2>/dev/null
            rm -f '\(standby.pidFile)'
            exit 0

            """, mode: 0o755)
        return standby
    }

    /// Makes the start script fail (true) or work again (false).
    public func failStarts(_ fail: Bool) throws {
        if fail {
            try folder.write("fail-start", "")
        } else {
            try? FileManager.default.removeItem(atPath: folder.file("fail-start"))
        }
    }

    public var isListening: Bool { FreePort.isListening(port) }

    /// How many times the start script ran.
    public var startsRun: Int {
        (FileManager.default.contents(atPath: folder.file("starts.log")).map { String(decoding: $0, as: UTF8.self) } ?? "")
            .split(separator: "\n").count
    }

    /// Ends the standby process if it runs (by the PID it wrote) and removes the folder.
    /// Kills the running standby (SIGKILL, by the PID its start script wrote), as a crash would;
    /// its folder and port stay, so it can be started again.
    public func crash() {
        // No PID file: the standby never started, so there is nothing to crash.
        guard let data = FileManager.default.contents(atPath: pidFile),
            let pid = Int32(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        else { return }
        kill(pid, SIGKILL)
    }

    public func stop() {
        if let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        {
            kill(pid, SIGTERM)
        }
        reservation.stop()
        folder.remove()
    }
}
