import Foundation
import Logging
import Synchronization
import VigilCore
import VigilNotify

/// One message of every kind, with a full incident where the kind has one.
enum NotificationFixtures {
    static let incident: Incident = {
        let open = Instant.seconds(100)
        return Incident(
            id: "shop-7", kind: .failover, from: .primary, to: .standby, openedAt: open,
            cause: "primary: connection refused",
            evidence: [
                ProbeEvidence(backend: .primary, at: open, outcomes: [.failed(.refused)]),
                ProbeEvidence(backend: .primary, at: open + .seconds(1), outcomes: [.failed(.timeout(.firstByte))]),
                ProbeEvidence(backend: .primary, at: open + .seconds(2), outcomes: [.failed(.status(503))]),
            ],
            timeline: [
                TimelineEntry(at: open + .seconds(2), what: .opened(cause: "primary: connection refused")),
                TimelineEntry(at: open + .seconds(2), what: .stepStarted(.start(.standby))),
                TimelineEntry(at: open + .milliseconds(3_250), what: .stepSucceeded(.start(.standby))),
                TimelineEntry(at: open + .milliseconds(3_250), what: .stepStarted(.gate(.standby))),
                TimelineEntry(at: open + .milliseconds(3_750), what: .stepSucceeded(.gate(.standby))),
                TimelineEntry(
                    at: open + .milliseconds(3_750), what: .stepStarted(.switchUpstream(loadBalancer: 0, to: UpstreamLayout(active: .standby)))),
                TimelineEntry(
                    at: open + .milliseconds(4_100), what: .stepSucceeded(.switchUpstream(loadBalancer: 0, to: UpstreamLayout(active: .standby)))),
                TimelineEntry(at: open + .milliseconds(4_100), what: .resolved(note: "done")),
            ],
            resolvedAt: open + .milliseconds(4_100), requestedBy: nil, gateSkipped: false, recoveryTimeObjective: .seconds(30))
    }()

    /// A channel of each type with the settings its payload reads.
    static func channel(_ kind: ChannelKind) -> NotificationChannel {
        var channel = NotificationChannel(name: kind.rawValue, kind: kind, url: Secret("https://hooks.example/\(kind.rawValue)"))
        channel.chatID = "-1001234567890"
        channel.mail = MailSettings(from: "Vigil <vigil@example.com>", to: ["ops@example.com", "lead@example.com"], replyTo: "ops@example.com")
        return channel
    }

    static func message(_ kind: MessageKind) -> Message {
        let at = Instant.seconds(104.1)
        switch kind {
        case .incidentStarted, .incidentResolved:
            var open = incident
            if kind != .incidentResolved { open.resolvedAt = nil }
            return Message(kind: kind, service: "shop", reason: incident.cause, incident: open, at: at)
        case .incidentUpdate:
            var open = incident
            open.resolvedAt = nil
            return Message(
                kind: kind, service: "shop",
                reason:
                    "Status: open for 30m; the runbook is stuck (switch load balancer 1 to standby failed): an operator is needed. "
                    + "Impact: shop is served partly by each side while traffic moves, since 2026-11-18 11:06 UTC. "
                    + "Next update in 30m, unless it ends first",
                incident: open, at: at)
        case .incidentAcknowledged:
            var open = incident
            open.resolvedAt = nil
            open.acknowledged = Acknowledgement(by: "alice (uid 1000)", at: at)
            open.timeline.append(TimelineEntry(at: at, what: .acknowledged(by: "alice (uid 1000)", reason: "on it")))
            return Message(
                kind: kind, service: "shop",
                reason: "shop-7 acknowledged by alice (uid 1000): on it; escalation and reminders stop", incident: open, at: at)
        case .incidentEscalated:
            var open = incident
            open.resolvedAt = nil
            open.timeline.append(TimelineEntry(at: at, what: .escalated(to: ["pager"])))
            var message = Message(
                kind: kind, service: "shop",
                reason:
                    "not acknowledged after 10m: open for 10m; the runbook is stuck (switch load balancer 1 to standby failed): "
                    + "an operator is needed. `vigil ack --service shop` takes it on",
                incident: open, at: at)
            message.channels = ["pager"]
            return message
        case .runbookFailed:
            var failed = incident
            failed.resolvedAt = nil
            failed.timeline.append(
                TimelineEntry(
                    at: .seconds(104.2),
                    what: .stepFailed(
                        .switchUpstream(loadBalancer: 1, to: UpstreamLayout(active: .standby)),
                        cause: "nginx: [emerg] host not found in upstream")))
            return Message(
                kind: kind, service: "shop",
                reason:
                    "switch load balancer 1 to standby failed: nginx: [emerg] host not found in upstream; some traffic already moved to standby and stays there",
                incident: failed, at: at)
        case .failbackStarted, .failbackDone:
            var failback = incident
            failback.kind = .failback
            failback.from = .standby
            failback.to = .primary
            failback.evidence = []
            failback.requestedBy = "uid 1000"
            if kind == .failbackStarted { failback.resolvedAt = nil }
            return Message(kind: kind, service: "shop", reason: "failback forced by uid 1000: primary repaired", incident: failback, at: at)
        case .standbyUnhealthy:
            return Message(kind: kind, service: "shop", from: .standby, reason: "standby: timeout(firstByte)", at: at)
        case .agentFault:
            return Message(
                kind: kind, service: "shop",
                reason:
                    "the checks of primary cannot run on this host (cannot open a socket: Too many open files); no backend is judged and no failover can start until they can",
                at: at)
        case .agentFaultCleared:
            return Message(kind: kind, service: "shop", reason: "the checks run again on this host", at: at)
        case .standbyHealthy:
            return Message(kind: kind, service: "shop", from: .standby, reason: "the standby passes its checks again", at: at)
        case .failbackAvailable:
            return Message(
                kind: kind, service: "shop", from: .standby, to: .primary,
                reason: "the primary has been healthy for 5m; run `vigil failback`", at: at)
        case .flapBudgetExhausted:
            return Message(
                kind: kind, service: "shop", from: .primary, to: .standby,
                reason:
                    "primary, which serves, is down; automatic moves are held by the flap budget (3 runbooks within 1h). "
                    + "`vigil failover --force` moves now; `vigil rearm` re-arms",
                at: at)
        case .paused:
            return Message(kind: kind, service: "shop", reason: "paused by uid 1000: kernel upgrade until t+2h", at: at)
        case .resumed:
            return Message(kind: kind, service: "shop", reason: "resumed by uid 1000: done", at: at)
        case .maintenanceStarted:
            return Message(
                kind: kind, service: "shop",
                reason:
                    "planned maintenance m-1 until 2026-12-08 04:00 UTC: database upgrade. No automatic failover or failback starts "
                    + "until it ends; `vigil failover --force`, `vigil failback` and drills still run", at: at)
        case .maintenanceEnded:
            return Message(
                kind: kind, service: "shop",
                reason: "planned maintenance m-1 ended (database upgrade); automatic runbooks are armed again", at: at)
        case .maintenanceHeld:
            return Message(
                kind: kind, service: "shop", from: .primary, to: .standby,
                reason:
                    "primary is down, but planned maintenance m-1 holds the automatic failover until 2026-12-08 04:00 UTC; "
                    + "`vigil failover --force` moves now, and it starts by itself when the window ends if it is still needed",
                at: at)
        case .clusterLost:
            return Message(
                kind: kind, service: "shop",
                reason:
                    "lb1 could not renew its leadership lease for 8s (no etcd endpoint answers: http://10.0.0.5:2379: connection refused). "
                    + "This agent stopped acting before its lease could expire: no step starts from it. No automatic failover or "
                    + "failback runs from this agent until it can prove who leads; traffic stays as it is. "
                    + "`vigil failover --force --without-cluster` acts under this host's lock only", at: at)
        case .clusterRegained:
            return Message(kind: kind, service: "shop", reason: "etcd answers again; lb2 leads: this agent watches", at: at)
        case .leaderChanged:
            return Message(
                kind: kind, service: "shop", reason: "lb2 leads the cluster now (epoch 41), after lb1; it resumes from the shared state", at: at)
        case .vantagesDisagree:
            return Message(
                kind: kind, service: "shop", from: .primary, to: .standby,
                reason:
                    "lb1 sees primary down (primary: connection refused), lb2 does not (up): not failing over "
                    + "(2 of 2 live agents must see it down). `vigil failover --force` moves now", at: at)
        case .test:
            return Message(kind: kind, service: "vigil", reason: "A test from `vigil notify test` on lb-1. No action needed.", at: at)
        case .upstreamEdited:
            return Message(kind: kind, service: "shop", reason: "lb1: /etc/nginx/upstreams/shop.conf differs from what Vigil wrote (line 3).", at: at)
        case .outageStarted, .outageResolved:
            var outage = incident
            outage.kind = .outage
            outage.from = .standby
            outage.to = .primary
            outage.cause = "nothing healthy to serve: standby: connection refused; primary: connection refused"
            outage.timeline = [TimelineEntry(at: outage.openedAt, what: .opened(cause: outage.cause))]
            if kind == .outageStarted {
                outage.resolvedAt = nil
                return Message(
                    kind: kind, service: "shop",
                    reason: outage.cause + ". The upstream stays on standby; Vigil serves from whichever side passes its checks first",
                    incident: outage, at: at)
            }
            return Message(kind: kind, service: "shop", reason: "primary serves; the service was down for 4.1s", incident: outage, at: at)
        case .upstreamUnreadable:
            return Message(
                kind: kind, service: "shop",
                reason:
                    "cannot read the upstream file on lb1: /etc/nginx/upstreams/shop.conf: root@lb1:22: connectionRefused: connection refused. "
                    + "Vigil cannot see what the load balancers serve, so a failover may fail; it reads the files again (next in 2s)",
                at: at)
        case .upstreamReadable:
            return Message(kind: kind, service: "shop", reason: "the upstream files can be read again (lb1 serves primary)", at: at)
        case .hostUnreachable:
            return Message(
                kind: kind, service: "shop", reason: "lb1 unreachable (root@lb1:22: connectTimeout: no answer within 5s): a failover now would fail",
                at: at)
        case .hostReachable:
            return Message(kind: kind, service: "shop", reason: "lb1 answers again", at: at)
        case .upstreamAdopted:
            return Message(
                kind: kind, service: "shop",
                reason:
                    "lb1: /etc/nginx/upstreams/shop.conf was the operator's own (Vigil had not written it); "
                    + "the original is kept in /etc/nginx/upstreams/shop.conf.vigil-original",
                at: at)
        case .backupListingFailed:
            return Message(
                kind: kind, service: "shop",
                reason:
                    "lb1: listing the warm standby as backup failed: test failed on lb1: nginx: [emerg] host not found in upstream; "
                    + "nginx keeps the file it had. Vigil tries again in 1m",
                at: at)
        case .backupListed:
            return Message(kind: kind, service: "shop", reason: "lb1 lists primary (backup standby) again", at: at)
        case .channelFailing:
            return Message(
                kind: kind, service: "vigil",
                reason: "the channel ops-slack has delivered nothing for 5m (3 messages waiting); they are kept and sent when it works again",
                at: at)
        case .channelRecovered:
            return Message(kind: kind, service: "vigil", reason: "the channel ops-slack delivers again", at: at)
        case .preflightFailed:
            return Message(
                kind: kind, service: "shop",
                reason:
                    "a failover now would fail: lb1: nginx -t of the standby's upstream failed: nginx: [emerg] host not found in upstream "
                    + "\"standby.invalid:8080\"; standby host: root@app2:22: hostKeyMismatch: the host key does not match known_hosts",
                at: at)
        case .preflightPassed:
            return Message(kind: kind, service: "shop", reason: "the preflight passes again: a failover would find what it needs", at: at)
        case .drillStarted, .drillProgress, .drillReport:
            var drill = incident
            drill.kind = .drill
            drill.cause = "DRILL by uid 1000: weekly drill"
            drill.evidence = []
            drill.requestedBy = "uid 1000"
            drill.timeline = [TimelineEntry(at: drill.openedAt, what: .opened(cause: drill.cause))]
            let reason: String
            switch kind {
            case .drillStarted:
                drill.resolvedAt = nil
                reason =
                    "DRILL: a rehearsed failover to the standby, a hold of 5m while it serves, then back to the primary "
                    + "(requested by uid 1000: weekly drill). Not an incident"
            case .drillProgress:
                drill.resolvedAt = nil
                reason = "DRILL: the standby serves, 4.2s after the start (objective 1m: met); holding it for 5m"
            default:
                reason =
                    "DRILL PASSED; the standby served 4.2s after the start (objective 1m: met); held 5m with 0 failed check round(s); "
                    + "back on the primary 3.1s after the hold; 0 failed switch(es)"
            }
            return Message(kind: kind, service: "shop", reason: reason, incident: drill, at: at)
        case .loadBalancerCheckFailed:
            return Message(
                kind: kind, service: "shop",
                reason:
                    "lb1: the upstream file did not pass the test at start (`nginx -t` or the reload failed: nginx: [emerg] unexpected \"}\"); "
                    + "Vigil restored the backup and reloaded",
                at: at)
        }
    }

    static let allKinds = MessageKind.allCases
}
