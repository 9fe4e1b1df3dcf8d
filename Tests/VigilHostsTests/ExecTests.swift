import Foundation
import Testing
import VigilCore
import VigilHosts
import VigilLab

@Suite struct ExecTests {
    @Test func exitStatusStdoutAndStderrAreReported() async throws {
        try await withSSH { _, connection in
            let result = try await connection.run("echo out; echo err >&2; exit 3", timeout: .seconds(10))
            #expect(result.exitStatus == 3)
            #expect(result.signal == nil)
            #expect(result.stdoutText == "out\n")
            #expect(result.stderrText == "err\n")
            #expect(!result.succeeded)
        }
    }

    @Test func aCommandEndedBySignalReportsTheSignal() async throws {
        try await withSSH { _, connection in
            let result = try await connection.run("kill -TERM $$", timeout: .seconds(10))
            #expect(result.signal == "TERM")
            #expect(result.exitStatus == nil)
        }
    }

    @Test func largeStdoutAndStderrTogetherDoNotDeadlock() async throws {
        try await withSSH { _, connection in
            // stderr first and whole: a reader that drains stdout to its end first would wait forever.
            let command = "head -c 3000000 /dev/zero | tr '\\0' e >&2; head -c 2500000 /dev/zero | tr '\\0' o"
            let result = try await connection.run(command, timeout: .seconds(60))
            #expect(result.exitStatus == 0)
            #expect(result.stderr.count == 3_000_000)
            #expect(result.stdout.count == 2_500_000)
            #expect(result.stderr.allSatisfy { $0 == UInt8(ascii: "e") })
            #expect(result.stdout.allSatisfy { $0 == UInt8(ascii: "o") })
        }
    }

    @Test func interleavedLargeOutputIsReadWhole() async throws {
        try await withSSH { _, connection in
            let command = "for i in 1 2 3 4 5 6 7 8; do head -c 200000 /dev/zero | tr '\\0' o; head -c 200000 /dev/zero | tr '\\0' e >&2; done"
            let result = try await connection.run(command, timeout: .seconds(60))
            #expect(result.stdout.count == 1_600_000)
            #expect(result.stderr.count == 1_600_000)
        }
    }

    @Test func oneSessionServesManyCommands() async throws {
        try await withSSH { _, connection in
            for index in 0..<10 {
                let result = try await connection.run("echo \(index)", timeout: .seconds(10))
                #expect(result.stdoutText == "\(index)\n")
            }
            #expect(connection.sessionsOpened == 1)
        }
    }

    @Test func aCommandPastItsDeadlineTearsTheSessionDownAndTheNextCommandReconnects() async throws {
        try await withSSH { _, connection in
            _ = try await connection.run("true", timeout: .seconds(10))
            let clock = ContinuousClock()
            let start = clock.now
            let error = await remoteError { _ = try await connection.run("sleep 8", timeout: .seconds(1)) }
            let elapsed = start.duration(to: clock.now)
            #expect(error?.kind == .commandTimedOut)
            #expect(elapsed >= .milliseconds(950))
            // Well under the 8 s the command would take: a generous margin, since the whole suite
            // loads both cores (it once took 4.1 s there).
            #expect(elapsed < .seconds(6), "the deadline is enforced; took \(elapsed)")
            #expect(try await connection.run("echo alive", timeout: .seconds(10)).stdoutText == "alive\n")
            #expect(connection.sessionsOpened == 2)
        }
    }

    @Test func aCommandThatNeverStopsWritingStillMeetsItsDeadline() async throws {
        try await withSSH { _, connection in
            let clock = ContinuousClock()
            let start = clock.now
            let error = await remoteError { _ = try await connection.run("yes", timeout: .seconds(1)) }
            #expect(error?.kind == .commandTimedOut)
            #expect(start.duration(to: clock.now) < .seconds(5))
        }
    }

    @Test func aSessionKilledUnderARunningCommandMakesItsOutcomeUnknownAndTheNextCommandReconnects() async throws {
        try await withSSH { _, connection in
            _ = try await connection.run("true", timeout: .seconds(10))
            // The command's parent is this session's own sshd process; killing it drops the session.
            let error = await remoteError { _ = try await connection.run("kill $PPID; sleep 5", timeout: .seconds(10)) }
            #expect(error?.kind == .outcomeUnknown)
            #expect(try await connection.run("echo again", timeout: .seconds(10)).stdoutText == "again\n")
            #expect(connection.sessionsOpened == 2)
        }
    }

    @Test func aSessionThatDroppedWhileIdleIsReopenedWithoutLosingTheNextCommand() async throws {
        try await withSSH { server, connection in
            let sessionProcess = try await connection.run("echo $PPID", timeout: .seconds(10)).stdoutText
            let pid = try #require(Int32(sessionProcess.trimmingCharacters(in: .whitespacesAndNewlines)))
            try await LabProcess.run("/bin/kill", ["-KILL", String(pid)])
            try await LabWait.until("the session process to end") { kill(pid, 0) != 0 }
            let result = try await connection.run("echo after", timeout: .seconds(10))
            #expect(result.stdoutText == "after\n")
            #expect(connection.sessionsOpened == 2)
            _ = server
        }
    }
}

@Suite struct KeepaliveTests {
    @Test func anIdleSessionSendsKeepalives() async throws {
        try await withLabServer({ try await LabSSHServer.start() }) { server in
            var target = server.target()
            target.keepaliveInterval = .seconds(1)
            let connection = SSHConnection(target: target)
            try await connection.connect()
            try await LabWait.until("sshd to log a keepalive from the idle session", timeout: .seconds(10)) {
                server.log.contains("keepalive@libssh2.org")
            }
            let result = try await connection.run("echo still here", timeout: .seconds(10))
            #expect(result.stdoutText == "still here\n")
            #expect(connection.sessionsOpened == 1)
            await connection.close()
        }
    }
}
