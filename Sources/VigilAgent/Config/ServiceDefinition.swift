import VigilCore
import VigilNotify

public struct ServiceDefinition: Sendable {
    public var core: ServiceConfig
    public var primary: BackendDefinition
    public var standby: BackendDefinition
    public var loadBalancers: [LoadBalancerDefinition]
    public var preHook: String?
    public var postHook: String?
    public var hookHost: HostReference
    /// The channels its messages go to, each with what of them it gets.
    public var notify: [NotifyRoute]
    /// Every channel the service's messages can go to: its routes and its escalation steps.
    public var channelNames: [String] {
        var names = notify.map(\.channel)
        for step in core.escalation { names += step.channels.filter { !names.contains($0) } }
        return names
    }

    /// The name the public status page and public messages use (default: the service's name).
    public var displayName: String?

    /// When drills run by themselves.
    public var drills: [DrillSchedule] = []

    /// The SSH hosts a failover needs, by the names the host checks and messages use: each load
    /// balancer's name, and `standby host` / `primary host` for a side with commands to run.
    public var sshHosts: [(name: String, host: HostReference)] {
        var hosts = loadBalancers.compactMap { balancer -> (String, HostReference)? in
            guard case .ssh = balancer.host else { return nil }
            return (balancer.name, balancer.host)
        }
        for side in [Backend.standby, .primary] {
            let definition = backend(side)
            guard definition.start != nil || definition.stop != nil, let host = definition.host, case .ssh = host else { continue }
            hosts.append(("\(side.rawValue) host", host))
        }
        return hosts
    }

    /// The name `sshHosts` gives the host a step runs on; nil for a local host or a hook.
    public func sshHostName(of step: RunbookStep) -> String? {
        let reference: HostReference?
        let name: String
        switch step {
        case .switchUpstream(let index, _), .rollback(let index, _):
            reference = loadBalancers[index].host
            name = loadBalancers[index].name
        case .start(let side), .fence(let side):
            reference = backend(side).host
            name = "\(side.rawValue) host"
        case .preHook, .postHook, .gate, .hold, .drain:
            return nil
        }
        guard let reference, case .ssh = reference else { return nil }
        return name
    }

    public func backend(_ backend: Backend) -> BackendDefinition {
        switch backend {
        case .primary: primary
        case .standby: standby
        }
    }
}
