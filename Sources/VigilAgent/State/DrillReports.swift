import Foundation
import Logging
import VigilCore
import VigilStatus

/// `vigil drill --report`: a past drill's report, from the incident history in the state folder.
public enum DrillReports {
    /// Why there is no report to show.
    public struct NotFound: Error, CustomStringConvertible {
        public let description: String
    }

    /// The report of the newest drill (`which` is "last") or of the incident `which`, as JSON.
    public static func json(service: String, which: String, history: IncidentHistory) throws -> String {
        let incidents = history.recent(service: service)
        let drills = incidents.filter { $0.drill != nil }
        let chosen = which == "last" ? drills.first : drills.first { $0.id == which }
        guard let incident = chosen, let report = incident.drillReport else {
            let known = drills.map(\.id).joined(separator: ", ")
            throw NotFound(
                description: which == "last"
                    ? "no drill of \(service) in \(history.folder)/\(service).incidents.json (the last \(incidents.count) incidents)"
                    : "no drill \(which) of \(service) in the incident history; drills there: \(known.isEmpty ? "none" : known)")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(DrillReportDocument(report)), as: UTF8.self)
    }
}
