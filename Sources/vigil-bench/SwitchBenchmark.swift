import Foundation
import VigilAgent
import VigilCore
import VigilHosts
import VigilLab
import VigilUpstream

/// The switch on one load balancer over SSH (render, upload, backup + swap + `nginx -t` + reload
/// in one command), repeated: on the agent's persistent session and on a new session each time.
/// The login user's shell is `/bin/sh` and nginx runs as that user, so a login shell's start-up
/// is not counted as Vigil's.
enum SwitchBenchmark {
    struct Result: Encodable {
        var mode: String
        var switches: Int
        var seconds: Statistics
        var trueCommand: Statistics
    }

    static func run(count: Int, output: String) async throws {
        let user = try await LabLoginUser.fastShell.resolve()
        let primary = try await LabHTTPBackend.start(name: "primary")
        let standby = try await LabHTTPBackend.start(name: "standby")
        let balancer = try await LabLoadBalancer.start(servers: ["127.0.0.1:\(primary.port)"], owner: user)
        let sshd = try await LabSSHServer.start(login: .fastShell)
        defer {
            balancer.stop()
            sshd.stop()
        }
        let sshTarget = SSHTarget(
            host: "127.0.0.1", port: sshd.port, user: sshd.user, identityFile: sshd.clientKey,
            knownHostsFile: sshd.knownHosts)
        let template = try UpstreamTemplate()
        func target(_ host: any VigilHosts.Host) -> LoadBalancerTarget {
            LoadBalancerTarget(
                name: "lb1", host: host, upstreamFile: balancer.upstreamFile,
                testCommand: "\(balancer.nginx.commandLine) -t", reloadCommand: "\(balancer.nginx.commandLine) -s reload")
        }
        func oneSwitch(_ index: Int, on host: any VigilHosts.Host) async throws -> Double {
            let started = ContinuousClock.now
            let active = index % 2 == 0 ? standby.port : primary.port
            let text = try template.render(
                service: "shop", upstream: balancer.upstreamName, servers: [UpstreamServer(address: "127.0.0.1:\(active)")])
            guard case .switched = await UpstreamSwitcher().apply(text, to: target(host)) else {
                throw LabError.commandFailed("switch \(index)", status: 1, output: balancer.nginx.folder.read("error.log"))
            }
            return started.duration(to: .now).secondsValue
        }
        func trueCommand(on host: any VigilHosts.Host) async throws -> Double {
            let started = ContinuousClock.now
            _ = try await host.run("true", timeout: .seconds(10))
            return started.duration(to: .now).secondsValue
        }

        let persistent = SSHConnection(target: sshTarget)
        _ = try await persistent.run("true", timeout: .seconds(10))  // the agent's session is open before any switch
        var kept: [Double] = []
        var keptTrue: [Double] = []
        for index in 0..<count {
            kept.append(try await oneSwitch(index, on: persistent))
            keptTrue.append(try await trueCommand(on: persistent))
        }
        await persistent.close()
        var fresh: [Double] = []
        var freshTrue: [Double] = []
        for index in 0..<count {
            let connection = SSHConnection(target: sshTarget)
            fresh.append(try await oneSwitch(index, on: connection))
            await connection.close()
            let another = SSHConnection(target: sshTarget)
            freshTrue.append(try await trueCommand(on: another))
            await another.close()
        }
        await primary.stop()
        await standby.stop()
        let results = [
            Result(mode: "persistent session", switches: count, seconds: Statistics(kept), trueCommand: Statistics(keptTrue)),
            Result(mode: "new session per switch", switches: count, seconds: Statistics(fresh), trueCommand: Statistics(freshTrue)),
        ]
        var table = Table(
            "Switch on one load balancer over SSH, \(count) times (login shell /bin/sh, nginx as the login user)",
            ["session", "median", "p99", "max", "`true` median (same session kind)"])
        for result in results {
            table.add([
                result.mode, milliseconds(result.seconds.median), milliseconds(result.seconds.p99), milliseconds(result.seconds.max),
                milliseconds(result.trueCommand.median),
            ])
        }
        table.print()
        try writeJSON(results, name: "switch", folder: output)
    }
}
