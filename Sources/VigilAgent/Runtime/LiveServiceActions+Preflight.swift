import Foundation
import VigilCore
import VigilHTTP
import VigilHosts

/// The preflight: what a failover needs, checked without moving traffic or posting anything.
extension LiveServiceActions {
    public func preflight() async -> [String] {
        var findings: [String] = []
        // Every SSH host, with a fresh login: a kept session would not notice a changed host key.
        var unreachable = Set<String>()
        for (name, reference) in service.sshHosts {
            guard case .ssh(let host, let port) = reference else { continue }
            if let problem = await HostConnectCheck.loginProblem(host: host, port: port, ssh: hosts.ssh) {
                findings.append("\(name): \(problem)")
                unreachable.insert(name)
            }
        }
        for backend in [Backend.standby, .primary] {
            let definition = service.backend(backend)
            for (what, command) in [("start", definition.start), ("stop", definition.stop)] {
                guard let command, let host = definition.host, !unreachable.contains("\(backend.rawValue) host") else { continue }
                if let problem = await commandExists(command, on: host) { findings.append("\(backend.rawValue)'s \(what) command: \(problem)") }
            }
        }
        for (index, balancer) in service.loadBalancers.enumerated() where !unreachable.contains(balancer.name) {
            if let problem = await testStandbyUpstream(index, balancer) { findings.append("\(balancer.name): \(problem)") }
        }
        for probe in service.standby.probes {
            if let problem = Self.resolutionProblem(probe.url) {
                findings.append("the standby's check \(HealthCheckReport.shown(probe.url)): \(problem)")
            }
        }
        if let notifier { findings += await notifier.unreachableChannels(service.channelNames) }
        return findings
    }

    /// `command -v` of the command's program on its host: a start command whose program is gone
    /// fails the failover at its first step.
    private func commandExists(_ command: String, on reference: HostReference) async -> String? {
        guard let program = command.split(whereSeparator: \.isWhitespace).first.map(String.init) else { return "empty" }
        do {
            let result = try await hosts.host(reference).run("command -v -- \(shellQuote(program))", timeout: .seconds(10))
            return result.succeeded
                ? nil : "\(program) is not found on its host (`command -v` exited with \(result.exitStatus.map(String.init) ?? "?"))"
        } catch {
            return "\(error)"
        }
    }

    /// The upstream Vigil would write for the standby, tested by the load balancer's own nginx in
    /// a throwaway wrapper config: `events {}` and `http { include FILE; }` in a temporary folder,
    /// with its own pid and error log (`-p`, `-e`), so the running nginx and its files are never
    /// touched. It catches what nginx rejects in that file (syntax, a template's mistake, a
    /// standby address the load balancer cannot resolve); not a clash with the rest of the
    /// real config, which the runbook's own `nginx -t` still guards.
    private func testStandbyUpstream(_ index: Int, _ balancer: LoadBalancerDefinition) async -> String? {
        let text: String
        do {
            text = try renderer.text(index, UpstreamLayout(active: .standby))
        } catch {
            return "the standby's upstream cannot be rendered: \(error)"
        }
        let words = balancer.testCommand.split(whereSeparator: \.isWhitespace).map(String.init)
        let nginx = words.first { ($0 as NSString).lastPathComponent == "nginx" } ?? "nginx"
        let marker = "VIGIL_PREFLIGHT_UPSTREAM"
        guard !text.contains(marker) else { return "the rendered upstream contains \(marker)" }
        let script = """
            set -e
            d=$(mktemp -d "${TMPDIR:-/tmp}/vigil-preflight.XXXXXX")
            trap 'rm -rf "$d"' EXIT
            cat > "$d/upstream.conf" <<'\(marker)'
            \(text)
            \(marker)
            printf 'pid %s/nginx.pid;\\nerror_log %s/error.log;\\nevents {}\\nhttp { include %s/upstream.conf; }\\n' "$d" "$d" "$d" > "$d/nginx.conf"
            \(shellQuote(nginx)) -t -q -p "$d" -e "$d/error.log" -c "$d/nginx.conf" 2>&1
            """
        do {
            let result = try await hosts.host(balancer.host).run(script, timeout: service.core.runbook.stepTimeout)
            return result.succeeded ? nil : "nginx -t of the standby's upstream failed: \(result.tail())"
        } catch {
            return "\(error)"
        }
    }

    /// Whether the URL's host name resolves here (an address always does).
    static func resolutionProblem(_ url: String) -> String? {
        guard let host = URLComponents(string: url)?.host, !host.isEmpty else { return "not a URL with a host" }
        let name = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(name, nil, &hints, &result)
        if let result { freeaddrinfo(result) }
        return status == 0 ? nil : "\(name) does not resolve (\(String(cString: gai_strerror(status))))"
    }
}
