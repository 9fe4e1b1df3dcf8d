import VigilCore

/// The wording Vigil ships, as Mustache templates (title, text) per message kind, written the
/// way incident-communication templates are: what happened, to what, what is being done.
/// A channel can override the text of any kind. Variables: service, from, to, reason,
/// incidentID, requestedBy, timeToRecover, objective, statusPageURL.
public enum MessageTemplates {
    public static let titles: [MessageKind: String] = [
        .incidentStarted: "{{{service}}}: failing over from {{{from}}} to {{{to}}}",
        .incidentUpdate: "{{{service}}}: incident {{{incidentID}}} is still open",
        .incidentResolved: "{{{service}}}: recovered, now served by {{{to}}}",
        .runbookFailed: "{{{service}}}: FAILOVER FAILED, operator needed",
        .failbackStarted: "{{{service}}}: failing back from {{{from}}} to {{{to}}}",
        .failbackDone: "{{{service}}}: failback done, served by {{{to}}}",
        .standbyUnhealthy: "{{{service}}}: the standby is unhealthy",
        .standbyHealthy: "{{{service}}}: the standby is healthy again",
        .failbackAvailable: "{{{service}}}: failback to the primary is available",
        .flapBudgetExhausted: "{{{service}}}: too many failovers, holding",
        .paused: "{{{service}}}: paused for maintenance",
        .resumed: "{{{service}}}: watching again",
        .upstreamEdited: "{{{service}}}: an upstream file was edited by hand",
        .agentFault: "{{{service}}}: VIGIL CANNOT CHECK, failover disabled",
        .agentFaultCleared: "{{{service}}}: Vigil checks again",
        .outageStarted: "{{{service}}}: OUTAGE, nothing healthy to serve",
        .outageResolved: "{{{service}}}: served again by {{{to}}} after an outage",
        .upstreamUnreadable: "{{{service}}}: VIGIL CANNOT SEE THE UPSTREAM, failover at risk",
        .upstreamReadable: "{{{service}}}: Vigil sees the upstream again",
        .hostUnreachable: "{{{service}}}: a host a failover needs is unreachable",
        .hostReachable: "{{{service}}}: the host answers again",
        .loadBalancerCheckFailed: "{{{service}}}: a load balancer failed its check at start",
        .test: "Vigil test message",
    ]

    public static let texts: [MessageKind: String] = [
        .incidentStarted: "Vigil is moving traffic from {{{from}}} to {{{to}}}. Cause: {{{reason}}}",
        .incidentUpdate: "Incident {{{incidentID}}}: {{{reason}}}",
        .incidentResolved: "Traffic is served by {{{to}}}.{{#timeToRecover}} Recovered in {{{timeToRecover}}}.{{/timeToRecover}}",
        .runbookFailed: "{{{reason}}}",
        .failbackStarted: "Vigil is moving traffic back from {{{from}}} to {{{to}}}. {{{reason}}}",
        .failbackDone: "Traffic is served by {{{to}}} again.",
        .standbyUnhealthy: "No incident: the primary serves. The standby fails its checks: {{{reason}}}",
        .standbyHealthy: "{{{reason}}}",
        .failbackAvailable: "{{{reason}}}",
        .flapBudgetExhausted: "{{{reason}}}",
        .paused: "Vigil watches and reports but will not act: {{{reason}}}",
        .resumed: "{{{reason}}}",
        .test: "{{{reason}}}",
        .agentFault: "{{{reason}}}. Look at the agent's host: open files (`ls /proc/$(pidof vigil)/fd | wc -l`), memory.",
        .agentFaultCleared: "{{{reason}}}; failover is armed again.",
        .upstreamEdited: "{{{reason}}} Vigil does not act on the edit; its next switch replaces the file and keeps the edit in the backup.",
        .outageStarted: "Both sides fail their checks. {{{reason}}}.",
        .outageResolved: "{{{reason}}}.",
        .upstreamUnreadable: "{{{reason}}}. Look at the load balancer: is sshd up, does the key still work, does the file exist?",
        .upstreamReadable: "{{{reason}}}; failover is armed again.",
        .hostUnreachable: "{{{reason}}}. Vigil checks it every minute and says when it answers.",
        .hostReachable: "{{{reason}}}.",
        .loadBalancerCheckFailed: "{{{reason}}}.",
    ]
}
