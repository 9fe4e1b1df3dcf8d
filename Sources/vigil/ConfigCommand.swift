import ArgumentParser
import VigilAgent
import VigilCore

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Work with the config file.",
        subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the config like `nginx -t`: parse, validate, render every upstream template.",
            discussion: """
                Exits 78 with FILE:LINE:COLUMN: KEY: problem when the config is wrong. With --connect it \
                also logs in to every SSH host once, checking its host key against known_hosts (exit 1 \
                when one fails). --trust-new-host-keys adds the key of a host known_hosts does not list \
                yet, after printing its fingerprint: compare it with the host's own \
                (`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` there). A changed key is never trusted. \
                With cluster: it also reaches etcd and prints its members, the leader and the agents.
                """)

        @OptionGroup var options: ConfigOptions
        @Flag(help: "Also log in to every SSH host and check its host key (and reach etcd, with cluster:).") var connect = false
        @Flag(help: "With --connect: add unknown host keys to known_hosts (after showing them).") var trustNewHostKeys = false

        func validate() throws {
            if trustNewHostKeys && !connect { throw ValidationError("--trust-new-host-keys needs --connect") }
        }

        func run() async throws {
            let config = try options.load(secrets: .all)
            for service in config.services {
                do {
                    let renderer = try service.upstreamRenderer()
                    for index in service.loadBalancers.indices {
                        for active in Backend.allCases { _ = try renderer.text(index, service.layout(active: active)) }
                    }
                } catch {
                    printError("\(options.config): services.\(service.core.name): \(error)")
                    throw ExitCode(78)
                }
            }
            print(
                "vigil: \(options.config) is valid: \(config.services.count) service(s), \(config.channels.count) channel(s), "
                    + "every upstream template renders")
            guard connect else { return }
            var ok = await HostConnectCheck.run(config, trustNewHostKeys: trustNewHostKeys) { print($0) }
            if let cluster = config.cluster { ok = await ClusterConnectCheck.run(cluster) { print($0) } && ok }
            if !ok { throw ExitCode(1) }
        }
    }
}
