import ArgumentParser
import Foundation
import VigilCore

@main
struct VigilBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigil-bench",
        abstract: "Measure Vigil on a loopback lab: recovery time, switch cost, false failovers, probe scale, idle cost, the cluster.",
        discussion: """
            Each command starts a fresh lab (nginx, backends, sshd, a webhook receiver) and the real \
            `vigil run` found beside this program (build both with -c release), prints a table and \
            writes JSON into --output. `all` runs every one; --quick shortens them (under 5 minutes). \
            See BENCHMARKS.md for the method and the figures.
            """,
        subcommands: [All.self, Recovery.self, Switch.self, FalseFailovers.self, ProbeScale.self, Idle.self, Cluster.self]
    )
}

struct BenchOptions: ParsableArguments {
    @Flag(help: "Short runs: a smoke test of the benchmarks, not figures to quote.") var quick = false
    @Option(help: "Where the JSON results go.") var output = "bench-results"
}

struct Recovery: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Fault to the first request served by the standby, 10 runs per fault.")
    @OptionGroup var options: BenchOptions
    func run() async throws { try await Self.measure(options) }
    static func measure(_ options: BenchOptions) async throws {
        try await RecoveryBenchmark.run(runs: options.quick ? 1 : 10, output: options.output)
    }
}

struct Switch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The switch over SSH, 100 times, persistent vs new session.")
    @OptionGroup var options: BenchOptions
    func run() async throws { try await Self.measure(options) }
    static func measure(_ options: BenchOptions) async throws {
        try await SwitchBenchmark.run(count: options.quick ? 20 : 100, output: options.output)
    }
}

struct FalseFailovers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "false-failovers", abstract: "A flaky health check for 10 minutes, and short outages for 5.")
    @OptionGroup var options: BenchOptions
    func run() async throws { try await Self.measure(options) }
    static func measure(_ options: BenchOptions) async throws {
        try await FalseFailoverBenchmark.run(
            flakyDuration: options.quick ? .seconds(30) : .seconds(600),
            outageDuration: options.quick ? .seconds(35) : .seconds(300), output: options.output)
    }
}

struct ProbeScale: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe-scale", abstract: "100, 1,000 and 5,000 endpoints at 1 s: the agent's CPU and memory; curl beside it.")
    @OptionGroup var options: BenchOptions
    func run() async throws { try await Self.measure(options) }
    static func measure(_ options: BenchOptions) async throws {
        try await ProbeScaleBenchmark.run(
            sizes: options.quick ? [100, 1_000] : [100, 1_000, 5_000],
            duration: options.quick ? .seconds(10) : .seconds(60),
            curlChecks: options.quick ? 200 : 1_000, output: options.output)
    }
}

struct Idle: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "One service at a 1 s interval: CPU and RSS.")
    @OptionGroup var options: BenchOptions
    func run() async throws { try await Self.measure(options) }
    static func measure(_ options: BenchOptions) async throws {
        try await IdleBenchmark.run(duration: options.quick ? .seconds(10) : .seconds(60), output: options.output)
    }
}

struct Cluster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Two agents on etcd: exactly one runbook (20 runs), what etcd adds to a failover, takeover after SIGKILL (10), idle calls.")
    @OptionGroup var options: BenchOptions
    func run() async throws { try await Self.measure(options) }
    static func measure(_ options: BenchOptions) async throws {
        try await ClusterBenchmark.run(
            exactlyOnceRuns: options.quick ? 2 : 20, aloneRuns: options.quick ? 1 : 10, takeovers: options.quick ? 2 : 10,
            idle: options.quick ? .seconds(10) : .seconds(60), output: options.output)
    }
}

struct All: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Every benchmark, one after another (about 40 minutes; --quick under 5).")
    @OptionGroup var options: BenchOptions
    func run() async throws {
        let started = ContinuousClock.now
        try await Idle.measure(options)
        try await Switch.measure(options)
        try await ProbeScale.measure(options)
        try await Recovery.measure(options)
        try await FalseFailovers.measure(options)
        try await Cluster.measure(options)
        say("\nall benchmarks done in \(DurationText.format(.seconds(Int(started.duration(to: .now).secondsValue))))")
    }
}
