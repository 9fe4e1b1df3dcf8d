import Testing
import VigilCore
import VigilHTTP
import VigilHosts
import VigilLab

/// The cold standby: down until its start script runs, which returns at once like
/// `systemctl start`; listening after the start delay; stopped by its stop script.
@Suite struct LabStandbyTests {
    @Test func theStartScriptDetachesAndTheStandbyListensAfterItsDelay() async throws {
        try await withLabServer({ try LabStandby.prepare(startDelay: .seconds(2)) }) { standby in
            let host = LocalHost()
            #expect(!standby.isListening)
            let clock = ContinuousClock()
            let start = clock.now
            let started = try await host.run(standby.startScript, timeout: .seconds(10))
            #expect(started.exitStatus == 0)
            #expect(!standby.isListening, "the script returns before the service is up")
            try await LabWait.until("the standby to listen") { standby.isListening }
            #expect(start.duration(to: clock.now) >= .seconds(2))
            let outcome = await HTTPEngine.shared.probe(
                HealthProbe(url: standby.healthURL, body: .jsonField(path: "backend", equals: .string("standby"))))
            #expect(outcome.isHealthy)

            #expect(try await host.run(standby.stopScript, timeout: .seconds(10)).exitStatus == 0)
            try await LabWait.until("the standby to stop") { !standby.isListening }
        }
    }

    @Test func aFailingStartScriptSaysSoAndStartsNothing() async throws {
        try await withLabServer({ try LabStandby.prepare() }) { standby in
            try standby.failStarts(true)
            let result = try await LocalHost().run(standby.startScript, timeout: .seconds(10))
            #expect(result.exitStatus == 1)
            #expect(result.stderrText.contains("start failed"))
            #expect(!standby.isListening)
        }
    }

    @Test func theStandbyStartsOverSSH() async throws {
        try await withLabServer({ try await LabSSHServer.start(login: .current) }) { server in
            try await withLabServer({ try LabStandby.prepare() }) { standby in
                let connection = SSHConnection(
                    target: SSHTarget(
                        host: "127.0.0.1", port: server.port, user: server.user, identityFile: server.clientKey,
                        knownHostsFile: server.knownHosts))
                #expect(try await connection.run(standby.startScript, timeout: .seconds(10)).exitStatus == 0)
                try await LabWait.until("the standby to listen") { standby.isListening }
                await connection.close()
            }
        }
    }
}
