/// Reading a snapshot an older Vigil wrote. Version 1 lacks the upstream problem, the host
/// watches, the backup-line rewrites, a runbook's retry plan and the new timers; each starts empty, which is what a
/// version-1 agent knew of them. Anything else is refused by name at restore.
extension ServiceSnapshot {
    enum CodingKeys: String, CodingKey {
        case version, phase, upstreams, health, probes, runbook, incident, lastIncident, automaticStarts
        case cooldownUntil, standbyWarningRaised, failbackAvailableSaid, agentFault, upstreamProblem
        case upstreamRereads, hosts, backupListing, backupListedAt, backupListingFailed, pause, incidentCount, timers
        case preflightFindings, maintenance
    }

    /// Decodes any version this build reads; what an older version lacks starts empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(Int.self, forKey: .version)
        phase = try container.decode(Phase.self, forKey: .phase)
        upstreams = try container.decode([UpstreamLayout?].self, forKey: .upstreams)
        health = try container.decode([Backend: BackendHealth].self, forKey: .health)
        probes = try container.decode([Backend: ProbeLoop].self, forKey: .probes)
        runbook = try container.decodeIfPresent(Runbook.self, forKey: .runbook)
        incident = try container.decodeIfPresent(Incident.self, forKey: .incident)
        lastIncident = try container.decodeIfPresent(Incident.self, forKey: .lastIncident)
        automaticStarts = try container.decode([Instant].self, forKey: .automaticStarts)
        cooldownUntil = try container.decodeIfPresent(Instant.self, forKey: .cooldownUntil)
        standbyWarningRaised = try container.decode(Bool.self, forKey: .standbyWarningRaised)
        failbackAvailableSaid = try container.decode(Bool.self, forKey: .failbackAvailableSaid)
        agentFault = try container.decodeIfPresent(String.self, forKey: .agentFault)
        pause = try container.decodeIfPresent(PauseState.self, forKey: .pause)
        incidentCount = try container.decode(Int.self, forKey: .incidentCount)
        timers = try container.decode(Timers.self, forKey: .timers)
        // New in version 2.
        upstreamProblem = try container.decodeIfPresent(String.self, forKey: .upstreamProblem)
        upstreamRereads = try container.decodeIfPresent(Int.self, forKey: .upstreamRereads) ?? 0
        hosts = try container.decodeIfPresent([String: HostWatch].self, forKey: .hosts) ?? [:]
        backupListing = try container.decodeIfPresent(BackupListing.self, forKey: .backupListing)
        backupListedAt = try container.decodeIfPresent([Int: Instant].self, forKey: .backupListedAt) ?? [:]
        backupListingFailed = try container.decodeIfPresent(Bool.self, forKey: .backupListingFailed) ?? false
        // Added within version 2 (drills): absent means no preflight has run yet.
        preflightFindings = try container.decodeIfPresent([String].self, forKey: .preflightFindings) ?? []
        // Added within version 2 (the communication plan): absent means no window in force.
        maintenance = try container.decodeIfPresent(MaintenanceHold.self, forKey: .maintenance)
    }

    /// The snapshot in the current version, when this build can read `version`; nil otherwise.
    /// Decoding already filled what version 1 lacks.
    public func migrated() -> ServiceSnapshot? {
        switch version {
        case ServiceSnapshot.currentVersion:
            return self
        case 1:
            var copy = self
            copy.version = ServiceSnapshot.currentVersion
            return copy
        default:
            return nil
        }
    }
}
