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
        for service in services {
            await takeOver(service, member: member, logger: logger)
            if let previous = change.previousLeader, previous != member.config.name {
                await service.actions.notify(
                    Message(
                        kind: .leaderChanged, service: service.name,
                        reason: "\(member.config.name) leads the cluster now (epoch \(change.epoch.map(String.init) ?? "?")), after "
                            + "\(previous); it resumes from the shared state and what the load balancers serve",
                        at: Agent.wallClockNow()))
            }
        }
    }

    /// Restores the service from the shared snapshot the last leader wrote, after nginx was made
    /// to match its files; without one, this agent's own machine leads as it is.
    private static func takeOver(_ service: RunningService, member: ClusterMember, logger: Logger) async {
        let shared: ServiceSnapshot
        do {
            guard let data = try await member.loadSnapshot(service: service.name) else {
                await service.driver.send(.clusterChanged(.leading))
                return
            }
            shared = try JSONDecoder().decode(ServiceSnapshot.self, from: Data(data))
        } catch {
            logger.error("\(service.name): cannot read the cluster's shared state (\(error)); leading from this agent's own")
            await service.driver.send(.clusterChanged(.leading))
            return
        }
        let problems = await service.actions.reconcileLoadBalancers()
        let observed = await service.actions.observeUpstreams()
        var (machine, effects) = ServiceStateMachine.restore(
            config: service.actions.service.core, snapshot: shared, observations: observed, at: Agent.wallClockNow())
        machine.join(standing: .leading, peers: member.peers(of: service.name))
        logger.notice("\(service.name): taking over from the shared state (\(machine.phase))")
        await service.driver.adopt(machine, effects: effects)
        for problem in problems {
            await service.actions.notify(Message(kind: .loadBalancerCheckFailed, service: service.name, reason: problem, at: Agent.wallClockNow()))
        }
    }
}
