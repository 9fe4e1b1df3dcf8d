import ArgumentParser
import VigilAgent

struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Probe every health endpoint and load balancer once and print a table.",
        discussion: """
            Exits 1 when something is down. A cold standby that is not started is expected to be down: \
            it is shown, not counted. Needs no daemon; changes nothing.
            """)
    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let report = await HealthCheckReport.probe(try options.load(checkFiles: false, secrets: .none))
        print(report.table)
        if !report.allHealthy { throw ExitCode(1) }
    }
}
