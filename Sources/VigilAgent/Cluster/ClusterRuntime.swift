import Foundation
import Logging
import VigilCore

/// The agent's side of its cluster: the member's renewals and watches run beside the services,
/// each change of standing reaches every service's machine, and a new leader takes over each
/// service from the shared snapshot, as a restart resumes from the local one.
struct ClusterRuntime: Sendable {
    let member: ClusterMember
    private let tasks: [Task<Void, Never>]

    init(member: ClusterMember, services: [RunningService], logger: Logger) {
        self.member = member
        let byName = Dictionary(uniqueKeysWithValues: services.map { ($0.name, $0) })
        tasks = [
            Task {
                await member.run(services: services.map(\.name)) { service, views in
                    await byName[service]?.driver.send(.peerViewsChanged(views))
                } onShared: { service, shared in
                    // The leader's own writes come back too; its machine ignores them.
                    await byName[service]?.driver.send(.leaderStateShared(shared))
                }
            },
            Task {
                for await change in member.changes {
                    await Self.apply(change, to: services, member: member, logger: logger)
                }
            },
        ]
    }

    /// Stops the renewals and gives the lease back, so another agent leads at once.
    func stop() async {
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        await member.resign()
    }

    private static func apply(_ change: ClusterMember.StandingChange, to services: [RunningService], member: ClusterMember, logger: Logger)
        async
    {
        logger.notice("cluster: \(member.config.name) is \(change.standing.role)\(change.standing.isLost ? ": \(change.standing)" : "")")
        guard change.standing == .leading else {
            for service in services { await service.driver.send(.clusterChanged(change.standing)) }
            return
        }
        // Every service is restored first (nothing acts meanwhile), then this agent may act, then
        // each restored machine runs: a runbook in flight resumes under the new lease. Operators'
        // requests wait until then, so none reaches a machine about to be replaced.
        var restored: [(service: RunningService, machine: Restored?)] = []
        for service in services { restored.append((service, await restore(service, member: member, logger: logger))) }
        member.tookOver()
        for (service, machine) in restored {
            if let machine {
                await service.driver.adopt(machine.machine, effects: machine.effects)
                for problem in machine.problems {
                    await service.actions.notify(
                        Message(kind: .loadBalancerCheckFailed, service: service.name, reason: problem, at: Agent.wallClockNow()))
                }
            }
            // The machine learns it leads (said when it had lost etcd) and acts on what it sees.
            await service.driver.send(.clusterChanged(.leading))
            if let previous = change.previousLeader, previous != member.config.name {
                await service.actions.notify(
                    Message(
                        kind: .leaderChanged, service: service.name,
                        reason: "\(member.config.name) leads the cluster now (epoch \(change.epoch.map(String.init) ?? "?")), after "
                            + "\(previous); it resumes from the shared state and what the load balancers serve",
                        at: Agent.wallClockNow()))
            }
        }
        member.ready()
    }

    /// A machine restored from the shared state, its effects not yet run, and what the start
    /// check of nginx found.
    private struct Restored {
        var machine: ServiceStateMachine
        var effects: [Effect]
        var problems: [String]
    }

    /// Restores the service from the shared snapshot the last leader wrote, after nginx was made
    /// to match its files; nil without one (this agent's own machine then leads as it is).
    private static func restore(_ service: RunningService, member: ClusterMember, logger: Logger) async -> Restored? {
        let shared: ServiceSnapshot
        do {
            guard let data = try await member.loadSnapshot(service: service.name) else { return nil }
            shared = try JSONDecoder().decode(ServiceSnapshot.self, from: Data(data))
        } catch {
            logger.error("\(service.name): cannot read the cluster's shared state (\(error)); leading from this agent's own")
            return nil
        }
        let problems = await service.actions.reconcileLoadBalancers()
        let observed = await service.actions.observeUpstreams()
        var (machine, effects) = ServiceStateMachine.restore(
            config: service.actions.service.core, snapshot: shared, observations: observed, at: Agent.wallClockNow())
        // It stands where this agent stood until the lead is said to it, after its effects ran.
        let standing = await service.driver.machine.cluster.standing ?? .following(leader: nil)
        machine.join(standing: standing, peers: member.peers(of: service.name))
        logger.notice("\(service.name): taking over from the shared state (\(machine.phase))")
        return Restored(machine: machine, effects: effects, problems: problems)
    }
}
