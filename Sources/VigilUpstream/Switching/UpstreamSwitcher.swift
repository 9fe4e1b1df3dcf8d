import VigilCore
import VigilHTTP
import VigilHosts

/// Puts a new upstream file in place on a load balancer: upload it beside the target, then, in one
/// remote command, keep the current file as the backup, swap the new one in atomically, `nginx -t`,
/// reload; then verify through the load balancer. Any failure puts the backup back and reloads.
/// The untested file is live on disk only between the swap and the test, and nginx's reload
/// refuses a broken config meanwhile.
public struct UpstreamSwitcher: Sendable {
    private let engine: HTTPEngine

    public init(engine: HTTPEngine = .shared) { self.engine = engine }

    /// Exit codes of the remote script, one per stage.
    private enum ScriptExit: Int32 {
        case backup = 10
        case swap = 11
        case test = 12
        case reload = 13
        case fence = 14
        case lock = 15
        case restoredFailed = 20
    }

    /// - Parameters:
    ///   - verify: a check through the load balancer; it must pass without a break for `settle`
    ///     (on new connections), because `nginx -s reload` returns before the old workers have
    ///     stopped answering with the old config.
    ///   - expectedSHA256: the digest of what Vigil last wrote there; the script says, in the same
    ///     round trip, when the file it replaces is something else (a hand edit).
    public func apply(
        _ contents: String, to target: LoadBalancerTarget, verify: HealthProbe? = nil, expectedSHA256: String? = nil,
        settle: Duration = .seconds(1), verifyWithin: Duration = .seconds(10)
    ) async -> SwitchResult {
        let clock = ContinuousClock()
        var durations: [SwitchStage: Duration] = [:]
        let incoming = target.upstreamFile + ".vigil-new"
        var started = clock.now
        do {
            try await target.host.replaceFile(incoming, with: Array(contents.utf8))
        } catch {
            return .failed(stage: .upload, message: "\(error)", restored: true, transport: error.kind)
        }
        durations[.upload] = started.duration(to: clock.now)

        started = clock.now
        let script = Self.script(target: target, incoming: incoming, expectedSHA256: expectedSHA256)
        let result: CommandResult
        do {
            result = try await target.host.run(script, timeout: target.commandTimeout)
        } catch {
            // The script may have stopped anywhere: whatever it did, put the backup back if it was made.
            return .failed(stage: .swap, message: "\(error)", restored: await restore(target), transport: error.kind)
        }
        let elapsed = started.duration(to: clock.now)
        let replacedHandEdit = result.stdoutText.contains(Self.handEditMarker)
        switch result.exitStatus.flatMap(ScriptExit.init(rawValue:)) {
        case nil where result.succeeded:
            durations[.swap] = elapsed
        case .backup:
            return .failed(stage: .backup, message: result.tail(), restored: true)
        case .swap:
            return .failed(stage: .swap, message: result.tail(), restored: true)
        case .test:
            return .failed(stage: .test, message: result.tail(), restored: true)
        case .reload:
            return .failed(stage: .reload, message: result.tail(), restored: true)
        case .fence, .lock:
            // Nothing was replaced: the file there is a newer leader's (or could not be locked).
            return .failed(stage: .fence, message: result.tail(), restored: true)
        case .restoredFailed:
            return .failed(stage: .test, message: "\(result.tail()); RESTORING THE BACKUP FAILED", restored: false)
        case nil:
            return .failed(
                stage: .swap, message: "the switch script ended with \(result.exitStatus.map(String.init) ?? result.signal ?? "?"): \(result.tail())",
                restored: await restore(target))
        }

        guard var verify else { return .switched(durations: durations, replacedHandEdit: replacedHandEdit) }
        verify.freshConnection = true
        started = clock.now
        let deadline = clock.now.advanced(by: verifyWithin)
        var last = ProbeOutcome.failed(.other(code: 0, message: "not probed"))
        var passingSince: ContinuousClock.Instant?
        while clock.now < deadline {
            last = await engine.probe(verify)
            if last.isHealthy {
                let since = passingSince ?? clock.now
                passingSince = since
                if since.duration(to: clock.now) >= settle {
                    durations[.verify] = started.duration(to: clock.now)
                    return .switched(durations: durations, replacedHandEdit: replacedHandEdit)
                }
            } else {
                passingSince = nil
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        let restored = await restore(target)
        return .failed(stage: .verify, message: "through \(target.name): \(last)", restored: restored)
    }

    static let handEditMarker = "vigil: the file replaced was edited by hand"

    /// The first line of every upstream file a cluster's leader writes: its epoch and name.
    public static func epochHeader(_ epoch: Int64, writer: String) -> String { "# vigil-epoch: \(epoch) (written by \(writer))\n" }

    /// In a cluster: under a lock on the file (so two agents' scripts never interleave), refuses
    /// to touch a file whose epoch is higher than the writer's. Empty alone.
    static func fence(_ target: LoadBalancerTarget, cleanup: String) -> String {
        guard let epoch = target.epoch else { return "" }
        let upstream = shellQuote(target.upstreamFile)
        let lock = shellQuote(target.upstreamFile + ".vigil-lock")
        return """
            exec 9>>\(lock) && flock -w 10 9 || { \(cleanup)echo "cannot lock \(target.upstreamFile).vigil-lock" >&2; exit 15; }
            held=$(sed -n 's/^# vigil-epoch: \\([0-9][0-9]*\\).*/\\1/p' \(upstream) 2>/dev/null | head -n 1)
            if [ -n "$held" ] && [ "$held" -gt \(epoch) ]; then \(cleanup)echo "the file carries epoch $held, newer than this writer's \(epoch)" >&2; exit 14; fi

            """
    }

    /// Puts the backup back over the upstream and reloads; true when both worked.
    public func restore(_ target: LoadBalancerTarget) async -> Bool {
        let upstream = shellQuote(target.upstreamFile)
        let backup = shellQuote(target.backupFile)
        let command =
            Self.fence(target, cleanup: "")
            + "[ -f \(backup) ] && cp -p -- \(backup) \(upstream).vigil-restore && mv -f -- \(upstream).vigil-restore \(upstream) "
            + "&& \(target.testCommand) 2>&1 && \(target.reloadCommand) 2>&1"
        guard let result = try? await target.host.run(command, timeout: target.commandTimeout) else { return false }
        return result.succeeded
    }

    /// One round trip for the whole change; each failing stage restores the backup and exits
    /// with its own code, and nginx's own message goes to stderr.
    static func script(target: LoadBalancerTarget, incoming: String, expectedSHA256: String? = nil) -> String {
        let upstream = shellQuote(target.upstreamFile)
        let backup = shellQuote(target.backupFile)
        let new = shellQuote(incoming)
        let restore = "cp -p -- \(backup) \(upstream).vigil-restore && mv -f -- \(upstream).vigil-restore \(upstream)"
        let handEditCheck =
            expectedSHA256.map { digest in
                "if [ -f \(upstream) ] && [ \"$(sha256sum < \(upstream))\" != \"\(digest)  -\" ]; then echo \(handEditMarker); fi\n"
            } ?? ""
        return Self.fence(target, cleanup: "rm -f -- \(new); ") + handEditCheck + """
            if [ -f \(upstream) ]; then cp -p -- \(upstream) \(backup).tmp && mv -f -- \(backup).tmp \(backup) || { rm -f -- \(new); echo "cannot keep a backup of \(target.upstreamFile)" >&2; exit 10; }; fi
            mv -f -- \(new) \(upstream) || exit 11
            if ! out=$( \(target.testCommand) 2>&1 ); then echo "$out" >&2; { \(restore); } || exit 20; exit 12; fi
            if ! out=$( \(target.reloadCommand) 2>&1 ); then echo "$out" >&2; { \(restore) && \(target.reloadCommand); } >/dev/null 2>&1 || exit 20; exit 13; fi
            exit 0
            """
    }
}
