import Foundation
import VigilCore
import VigilLab

/// The agent under measurement: `vigil run` (the release build beside this program) on a config
/// written for one benchmark, with its log and state in a folder of its own.
struct BenchAgent {
    let folder: LabFolder
    let process: LabProcess

    /// One service `shop`; the standby is cold (started by `standbyStart`) unless `warm`.
    struct Setup {
        var primaryHealthURLs: [String]
        var primaryAddress: String
        var standbyAddress: String
        var standbyHealthURL: String
        var standbyStart: String?
        var warm = false
        var probeTimeout = "1s"
        var upstreamFile: String
        var nginxCommand: String?
        var verifyURL: String?
        var webhookURL: String?
    }

    static func yaml(_ setup: Setup, stateDirectory: String) -> String {
        // Commands are YAML single-quoted: the nginx command line has shell quotes of its own.
        func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
        let test = quoted(setup.nginxCommand.map { "\($0) -t" } ?? "true")
        let reload = quoted(setup.nginxCommand.map { "\($0) -s reload" } ?? "true")
        // The status listener is on, as deployed, on a port of its own choosing.
        var text = "state_dir: \(stateDirectory)\nstatus:\n  listen: 127.0.0.1:0\ncontrol_socket:\n  path: \(stateDirectory)/vigil.sock\n"
        if let webhook = setup.webhookURL {
            text += "channels:\n  hooks:\n    type: webhook\n    url: \(webhook)\n"
        }
        text += "services:\n  shop:\n    primary:\n      address: \(setup.primaryAddress)\n      health:\n"
        for url in setup.primaryHealthURLs { text += "        - url: \(url)\n          timeout: \(setup.probeTimeout)\n" }
        text += "    standby:\n      address: \(setup.standbyAddress)\n      host: local\n"
        text += setup.warm ? "      mode: warm\n" : "      start: \(quoted(setup.standbyStart ?? "true"))\n"
        text += "      health:\n        - url: \(setup.standbyHealthURL)\n          timeout: \(setup.probeTimeout)\n"
        text += "    load_balancers:\n      - name: lb1\n        host: local\n        upstream_file: \(setup.upstreamFile)\n"
        text += "        upstream_name: vigil_app\n        test_command: \(test)\n        reload_command: \(reload)\n"
        if let verify = setup.verifyURL { text += "        verify_url: \(verify)\n" }
        if setup.webhookURL != nil { text += "    notify: [hooks]\n" }
        return text
    }

    static func launch(_ setup: Setup) throws -> BenchAgent {
        let folder = try LabFolder(prefix: "bench")
        try folder.write("vigil.yaml", yaml(setup, stateDirectory: folder.file("state")))
        let binary = LabBinary.path("vigil")
        try LabProcess.require(binary, package: "this package (swift build -c release --product vigil)")
        let process = try LabProcess.launch(
            binary, ["run", "--config", folder.file("vigil.yaml"), "--log-level", "info"],
            name: "vigil", log: folder.file("vigil.log"))
        return BenchAgent(folder: folder, process: process)
    }

    var log: String { folder.read("vigil.log") }

    /// Waits until the agent logs that it watches the service.
    func waitUntilWatching() async throws {
        try await LabWait.until("the agent to watch", timeout: .seconds(30), interval: .milliseconds(50)) {
            guard process.isRunning else { throw LabError.notReady("vigil", log: log) }
            return log.contains("shop: watching")
        }
    }

    /// The service's saved state, as the agent last wrote it.
    func snapshot() throws -> ServiceSnapshot? {
        guard let data = FileManager.default.contents(atPath: folder.file("state/shop.state.json")) else { return nil }
        return try JSONDecoder().decode(ServiceSnapshot.self, from: data)
    }

    func stop() {
        process.terminate()
        folder.remove()
    }
}
