import Foundation

/// Every maintenance window: the config's and those added at run time. The daemon's schedule,
/// its control socket and the CLI without a daemon all go through it.
public struct MaintenanceBook: Sendable {
    public let configured: [MaintenanceWindow]
    public let store: MaintenanceStore
    /// The services a window may name.
    public let serviceNames: [String]

    public init(configured: [MaintenanceWindow], stateDirectory: String, serviceNames: [String]) {
        self.configured = configured
        self.store = MaintenanceStore(stateDirectory: stateDirectory)
        self.serviceNames = serviceNames
    }

    /// All windows, by start.
    public func windows() throws(MaintenanceStore.ReadError) -> [MaintenanceWindow] {
        (configured + (try store.windows())).sorted { ($0.start, $0.id) < ($1.start, $1.id) }
    }

    /// Carries out a request; every line is for the operator. Returns whether it succeeded.
    public func carryOut(
        _ request: MaintenanceRequest, reason: String, by who: String, now: Date = Date(), say: (String) -> Void
    ) -> Bool {
        do {
            switch request.action {
            case .list:
                let current = try windows().filter { $0.end > now }
                if current.isEmpty { say("no planned maintenance") }
                for window in current { say(Self.line(window, now: now)) }
                return true
            case .add:
                guard let start = request.start, let seconds = request.durationSeconds, seconds >= 60, seconds <= 30 * 86_400 else {
                    say("a window needs a start and a duration from 1m to 30d")
                    return false
                }
                let unknown = request.services.filter { !serviceNames.contains($0) }
                guard unknown.isEmpty else {
                    say("no service named \(unknown.joined(separator: ", ")); configured: \(serviceNames.joined(separator: ", "))")
                    return false
                }
                guard !reason.isEmpty else {
                    say("say why with --reason: it is shown to operators and in the messages")
                    return false
                }
                let begin = Date(timeIntervalSince1970: start)
                guard begin.addingTimeInterval(seconds) > now else {
                    say("that window is over already (it ends before now)")
                    return false
                }
                let window = try store.add(
                    MaintenanceWindow(
                        id: "", start: begin, end: begin.addingTimeInterval(seconds), services: request.services, reason: reason,
                        publicText: request.publicText, addedBy: who), now: now)
                say("added \(Self.line(window, now: now))")
                return true
            case .cancel:
                guard let id = request.id else {
                    say("name the window to cancel (vigil maintenance list shows them)")
                    return false
                }
                if configured.contains(where: { $0.id == id }) {
                    say("\(id) is in the config file: remove it there and reload (systemctl reload vigil)")
                    return false
                }
                guard let removed = try store.cancel(id, now: now) else {
                    say("no window \(id) added at run time; vigil maintenance list shows them")
                    return false
                }
                say("cancelled \(removed.id) (\(removed.span))" + (removed.isActive(at: now) ? "; it was in force and ends now" : ""))
                return true
            }
        } catch {
            say("cannot \(request.action.rawValue) maintenance: \(error)")
            return false
        }
    }

    static func line(_ window: MaintenanceWindow, now: Date) -> String {
        let services = window.services.isEmpty ? "every service" : window.services.joined(separator: ", ")
        let state = window.isActive(at: now) ? " IN FORCE" : ""
        let publicText = window.publicText.map { "; public: \($0.escapingControlCharacters)" } ?? ""
        let by = window.addedBy.map { "; added by \($0)" } ?? ""
        return "\(window.id)  \(window.span)\(state)  \(services): \(window.reason.escapingControlCharacters)\(publicText)\(by)"
    }
}
