/// A warm standby is listed as nginx `backup` by Vigil itself, so nginx retries a failed request
/// on it before any failover: each upstream is kept in the layout Vigil wants while the primary
/// serves and no runbook runs, through the same switch, with no incident.
extension ServiceStateMachine {
    /// At most one rewrite per load balancer in this while; the last wanted layout wins.
    static let backupListingInterval: Duration = .seconds(60)

    /// Starts the next rewrite the standby's health calls for, or schedules it when the rate
    /// limit holds it back.
    mutating func keepBackupListed(at now: Instant) -> [Effect] {
        guard config.standbyMode == .warm, state.phase == .primaryActive, state.runbook == nil, state.backupListing == nil,
            health(.standby) != .unknown
        else { return [] }
        let wanted = layout(servedBy: .primary)
        var earliest: Instant?
        for (index, current) in state.upstreams.enumerated() where current?.active == .primary && current != wanted {
            if let notBefore = state.backupListedAt[index].map({ $0 + Self.backupListingInterval }), now < notBefore {
                earliest = min(earliest ?? notBefore, notBefore)
                continue
            }
            state.backupListing = BackupListing(loadBalancer: index, layout: wanted)
            state.backupListedAt[index] = now
            return [.listBackup(loadBalancer: index, to: wanted)]
        }
        guard let earliest, state.timers.backupListing == nil else { return [] }
        return [newTimer({ .backupListing(generation: $0) }, after: earliest - now, store: \.backupListing)]
    }

    /// A rewrite ended: the layout is recorded, and what went wrong (or the operator's file being
    /// replaced for the first time) is said.
    mutating func backupListed(_ listing: BackupListing, _ outcome: StepOutcome, at now: Instant) -> [Effect] {
        guard state.backupListing == listing else { return [] }
        state.backupListing = nil
        let name = config.loadBalancers[listing.loadBalancer]
        var effects: [Effect] = []
        switch outcome {
        case .succeeded, .succeededReporting:
            state.upstreams[listing.loadBalancer] = listing.layout
            if case .succeededReporting(let report) = outcome {
                effects.append(message(.upstreamAdopted, reason: "\(name): \(report)", at: now))
            }
            if state.backupListingFailed { effects.append(message(.backupListed, reason: "\(name) lists \(listing.layout) again", at: now)) }
            state.backupListingFailed = false
        case .failed(let cause), .failedOnHost(let cause, _, _):
            if !state.backupListingFailed {
                let change = listing.layout.backup == nil ? "dropping the warm standby's backup line" : "listing the warm standby as backup"
                effects.append(
                    message(
                        .backupListingFailed,
                        reason: "\(name): \(change) failed: \(cause); nginx keeps the file it had. Vigil tries again in "
                            + DurationText.format(Self.backupListingInterval),
                        at: now))
            }
            state.backupListingFailed = true
        }
        return effects + decide(at: now)
    }
}
