import ArgumentParser
import VigilAgent
import VigilCore
import VigilUpstream

struct Render: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the upstream file Vigil would write for a service, for each of its load balancers.",
        discussion: "A warm standby is listed as nginx `backup` when the primary is active. Changes nothing.")
    @OptionGroup var options: ConfigOptions
    @Option(help: "The service.") var service: String
    @Option(help: "primary or standby.") var active: String

    func run() async throws {
        guard let side = Backend(rawValue: active) else { throw ValidationError("--active is primary or standby, not \(active)") }
        let config = try options.load(checkFiles: false, secrets: .none)
        guard let definition = config.services.first(where: { $0.core.name == service }) else {
            throw ValidationError("no service named \(service); configured: \(config.services.map(\.core.name).joined(separator: ", "))")
        }
        let renderer: UpstreamRenderer
        do {
            renderer = try definition.upstreamRenderer()
        } catch {
            printError("\(error)")
            throw ExitCode(78)
        }
        for (index, balancer) in definition.loadBalancers.enumerated() {
            if definition.loadBalancers.count > 1 { print("# \(balancer.name): \(balancer.upstreamFile)") }
            print(try renderer.text(index, definition.layout(active: side)), terminator: "")
        }
    }
}
