/// One request on the control socket: a JSON line from the CLI.
public struct ControlRequest: Codable, Sendable, Equatable {
    public var command: String
    public var service: String?
    public var all: Bool = false
    public var dryRun: Bool = false
    public var skipGate: Bool = false
    public var reason: String = ""
    public var pauseSeconds: Double?
    /// `status` as the JSON document (`StatusDocument`) instead of lines.
    public var json: Bool = false

    public init(
        command: String, service: String? = nil, all: Bool = false, dryRun: Bool = false, skipGate: Bool = false,
        reason: String = "", pauseSeconds: Double? = nil, json: Bool = false
    ) {
        self.json = json
        self.command = command
        self.service = service
        self.all = all
        self.dryRun = dryRun
        self.skipGate = skipGate
        self.reason = reason
        self.pauseSeconds = pauseSeconds
    }
}

/// One line back: progress text, and a last line that says whether it worked.
public struct ControlReply: Codable, Sendable, Equatable {
    public var text: String
    /// nil on progress lines; true or false on the last one.
    public var ok: Bool?

    public init(text: String, ok: Bool? = nil) {
        self.text = text
        self.ok = ok
    }

    /// Worth showing a person: every progress line, and a last line that says more than done or failed.
    public var isWorthShowing: Bool { ok == nil || (text != "done" && text != "failed") }
}
