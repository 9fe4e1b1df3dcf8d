import Foundation
import Testing
import VigilCore
import VigilHTTP
import VigilLab

/// The agent as a real process against the lab: nginx, a primary, a cold standby started by its
/// script, a webhook receiver.
@Suite struct EndToEndTests {
    struct Lab {
        let primary: LabHTTPBackend
        let standby: LabStandby
        let balancer: LabLoadBalancer
        let receiver: LabWebhookReceiver
        let folder: LabFolder

        var config: String {
            LabAgentConfig(primary: primary, standby: standby, balancer: balancer, receiver: receiver,
                           stateDirectory: folder.file("state")).yaml
        }
    }

    private func withLab(_ body: (Lab) async throws -> Void) async throws {
        try await withLabServer({ try await LabHTTPBackend.start(name: "primary") }) { primary in
            try await withLabServer({ try LabStandby.prepare(startDelay: .seconds(1)) }) { standby in
                try await withLabServer({ try await LabLoadBalancer.start(servers: ["127.0.0.1:\(primary.port)"]) }) { balancer in
                    try await withLabServer({ try await LabWebhookReceiver.start() }) { receiver in
                        let folder = try LabFolder(prefix: "agent")
                        defer { folder.remove() }
                        try await body(Lab(primary: primary, standby: standby, balancer: balancer, receiver: receiver, folder: folder))
                    }
                }
            }
        }
    }

    private func startAgent(_ lab: Lab) throws -> LabProcess {
        try lab.folder.write("vigil.yaml", lab.config)
        let binary = LabBinary.path("vigil")
        try LabProcess.require(binary, package: "this package (swift build --product vigil)")
        return try LabProcess.launch(binary, ["run", "--config", lab.folder.file("vigil.yaml"), "--log-level", "debug"],
                                     name: "vigil", log: lab.folder.file("vigil.log"))
    }

    @Test func aRefusingPrimaryFailsOverToTheColdStandbyAndPeopleAreTold() async throws {
        try await withLab { lab in
            let agent = try startAgent(lab)
            defer { agent.terminate() }
            try await LabWait.until("the agent to watch the primary", timeout: .seconds(20)) {
                lab.primary.healthRequestsReceived >= 3
            }
            let clock = ContinuousClock()
            let fault = clock.now
            try await lab.primary.setHealth(.refuse)
            try await LabWait.until("nginx to serve the standby", timeout: .seconds(30), interval: .milliseconds(50)) {
                await HTTPEngine.shared.probe(HealthProbe(url: lab.balancer.url + "/", body: .contains("backend: standby"),
                                                          freshConnection: true)).isHealthy
            }
            let recovered = fault.duration(to: clock.now)
            print("fault to first request served by the standby: \(recovered)")
            let requests = try await lab.receiver.waitForRequests(2, timeout: .seconds(15))
            let kinds = requests.compactMap { request -> String? in
                (try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])?["kind"] as? String
            }
            #expect(kinds == ["incidentStarted", "incidentResolved"], "\(lab.folder.read("vigil.log").suffix(2_000))")
            #expect(recovered < .seconds(20))
        }
    }
}
