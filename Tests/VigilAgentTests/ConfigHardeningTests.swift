import Foundation
import Testing
import VigilAgent
import VigilLab

/// Careless and hostile configs, as found by probing the release build: each gets a clear
/// error at its place (FILE:LINE:COLUMN: key) and none traps, hangs or reaches nginx.
@Suite struct ConfigHardeningTests {
    private func error(_ text: String, environment: [String: String] = [:]) -> String {
        ConfigTests.failure(text, environment: environment)
    }

    private func replacing(_ old: String, with new: String) -> String {
        precondition(ConfigTests.minimal.contains(old), old)
        return ConfigTests.minimal.replacingOccurrences(of: old, with: new)
    }

    /// Finding 3: a URL libcurl cannot parse must never look like a backend failure at run time.
    @Test func healthURLsLibcurlCannotParseAreConfigErrors() {
        for url in ["http://127.0.0.1:99999/", "http://", "\"http://127.0.0.1:8081/he\\r\\nalth\""] {
            let failure = error(replacing("- url: http://127.0.0.1:8081/health", with: "- url: \(url)"))
            #expect(failure.contains(":6:16: services.shop.primary.health[0].url: "), "\(url): \(failure)")
        }
    }

    /// Finding 4: values that reach the nginx file are checked; `;`, braces and newlines never do.
    @Test func whatReachesTheNginxFileIsCheckedFirst() {
        let injected = replacing("address: 127.0.0.1:8081", with: "address: \"127.0.0.1:8081; } server { listen 9; #\"")
        #expect(error(injected).contains("services.shop.primary.address: expected HOST:PORT"), "\(error(injected))")
        #expect(error(replacing("address: 127.0.0.1:8081", with: "address: ~")).contains("services.shop.primary.address: expected HOST:PORT"))
        let upstream = replacing("upstream_file: /tmp/upstream.conf", with: "upstream_file: /tmp/upstream.conf\n        upstream_name: \"x { }\"")
        #expect(error(upstream).contains("upstream_name: a name is letters, digits"), "\(error(upstream))")
        let service = replacing("  shop:", with: "  \"shop;\\n\":")
        #expect(error(service).contains("a name is letters, digits"), "\(error(service))")
    }

    /// Finding 5: durations too large for Duration trapped (SIGILL); now an error with the limit.
    @Test func hugeDurationsAreErrorsNotTraps() {
        for text in ["99999999999999999999999h", "9223372036854775807ms", "31d", "721h"] {
            let failure = error(ConfigTests.minimal + "\n    detection:\n      interval: \(text)\n")
            #expect(failure.contains("services.shop.detection.interval: expected a duration") && failure.contains("at most 720h"), "\(failure)")
        }
    }

    /// Finding 6: a kilobyte of alias keys (billion laughs) kept `config check` busy for 30 s;
    /// a 50 MB file was read whole. Both are refused at once.
    @Test func aliasBombsAndHugeFilesAreRefusedAtOnce() throws {
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            bomb +=
                "\(Character(UnicodeScalar(97 + level)!)): &\(Character(UnicodeScalar(97 + level)!)) ["
                + Array(repeating: "*\(Character(UnicodeScalar(96 + level)!))", count: 10).joined(separator: ", ") + "]\n"
        }
        let started = ContinuousClock.now
        #expect(error(bomb).contains("expands to more than 100000 values"), "\(error(bomb))")
        let keys = "a: &a [x, x, x, x, x, x, x, x]\nb: &b {*a : 1}\nc: {*b : 1}\n"
        #expect(error(keys).contains("an alias (*name) cannot be a key"), "\(error(keys))")
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(error(deep).contains("nests deeper than 64"), "\(error(deep))")
        #expect(ContinuousClock.now - started < .seconds(2), "refused before any tree is built")

        let folder = try LabFolder(prefix: "config")
        defer { folder.remove() }
        try folder.write("big.yaml", ConfigTests.minimal + "\n#" + String(repeating: "x", count: 2 << 20) + "\n")
        #expect(throws: ConfigError.self) { try AgentConfig.load(path: folder.file("big.yaml"), checkFiles: false) }
        do {
            _ = try AgentConfig.load(path: folder.file("big.yaml"), checkFiles: false)
        } catch {
            #expect(error.description.contains("a config is at most 1048576 bytes"), "\(error)")
        }
    }

    /// Finding 7: a duplicate key printed the whole file (inline secrets too) and said 1:1.
    @Test func aDuplicateKeyIsNamedAtItsLineWithoutQuotingTheFile() {
        let text =
            "channels:\n  ops:\n    type: slack\n    url: https://hooks.example/T/B/canary-dup\n"
            + replacing("    primary:\n", with: "    primary:\n      address: 127.0.0.1:9\n")
        let failure = error(text)
        #expect(failure.contains("a key given twice in one mapping: address"), "\(failure)")
        #expect(failure.hasPrefix("/etc/vigil/vigil.yaml:8:7") || failure.hasPrefix("/etc/vigil/vigil.yaml:9:7"), "at the key: \(failure)")
        #expect(!failure.contains("canary-dup"), "the file is never quoted: \(failure)")
    }

    /// Finding 8: a control socket path too long for sockaddr_un passed the check and stopped the
    /// daemon on SIGHUP.
    @Test func aControlSocketPathTooLongForUnixSocketsIsAConfigError() {
        let long = "/run/" + String(repeating: "v", count: 110) + ".sock"
        let failure = error(ConfigTests.minimal + "\ncontrol_socket:\n  path: \(long)\n")
        #expect(failure.contains("control_socket.path: a Unix socket path is at most 107 bytes"), "\(failure)")
    }

    /// Finding 10: a service named `../escaped` wrote its state outside state_dir.
    @Test func serviceAndChannelNamesCannotLeaveTheStateFolder() {
        #expect(error(replacing("  shop:", with: "  ../escaped:")).contains("services.../escaped: a name is letters"))
        #expect(error(replacing("  shop:", with: "  \"..\":")).contains("a name is letters"))
        let channel = "channels:\n  ../ops:\n    type: slack\n    url: https://hooks.example/x\n" + ConfigTests.minimal
        #expect(error(channel).contains("a name is letters"), "\(error(channel))")
    }

    /// Finding 15: the smaller ones.
    @Test func theSmallerMistakesAreNamed() throws {
        #expect(error(replacing("address: 127.0.0.1:8082", with: "address: 127.0.0.1:8081")).contains("the standby has the primary's address"))
        let twoBalancers = ConfigTests.minimal + "\n      - name: lb1\n        host: local\n        upstream_file: /tmp/other.conf\n"
        #expect(error(twoBalancers).contains("a second load balancer named lb1"), "\(error(twoBalancers))")
        let status = replacing("- url: http://127.0.0.1:8081/health", with: "- url: http://127.0.0.1:8081/health\n          expect_status: [99999]")
        #expect(error(status).contains("must be at most 599"), "\(error(status))")
        #expect(error(ConfigTests.minimal + "\nstatus:\n  listen: \"evil host:0\"\n").contains("status.listen: expected HOST:PORT"))
        #expect(error(ConfigTests.minimal + "\nstate_dir: \"\"\n").contains("state_dir: expected an absolute path"))
        #expect(error(ConfigTests.minimal + "\nstate_dir: var/lib/vigil\n").contains("state_dir: expected an absolute path"))

        let folder = try LabFolder(prefix: "config")
        defer { folder.remove() }
        try Data([0xEF, 0xBB, 0xBF] + Array(ConfigTests.minimal.utf8)).write(to: URL(fileURLWithPath: folder.file("bom.yaml")))
        #expect(try AgentConfig.load(path: folder.file("bom.yaml"), checkFiles: false).services.count == 1, "a BOM is accepted")
        try Data(Array("services:\n  sh".utf8) + [0xFF] + Array("op: {}\n".utf8)).write(to: URL(fileURLWithPath: folder.file("latin1.yaml")))
        do {
            _ = try AgentConfig.load(path: folder.file("latin1.yaml"), checkFiles: false)
            Issue.record("invalid UTF-8 was accepted")
        } catch {
            #expect(error.description.hasPrefix("\(folder.file("latin1.yaml")):2:5: not UTF-8"), "\(error)")
        }
    }
}
