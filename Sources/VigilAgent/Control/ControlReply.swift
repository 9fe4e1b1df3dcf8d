/// One line back: progress text as it happens, then exactly one last line with the outcome.
public enum ControlReply: Sendable, Equatable {
    case line(String)
    case finished(ControlOutcome)
}

extension ControlReply: Codable {
    private enum CodingKeys: String, CodingKey {
        case version, line, outcome
    }

    /// Throws `ControlProtocol.Mismatch` for a line of another version.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let version = try container.decodeIfPresent(Int.self, forKey: .version)
        guard version == ControlProtocol.version else { throw ControlProtocol.Mismatch(theirs: version) }
        if let outcome = try container.decodeIfPresent(ControlOutcome.self, forKey: .outcome) {
            self = .finished(outcome)
        } else {
            self = .line(try container.decode(String.self, forKey: .line))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ControlProtocol.version, forKey: .version)
        switch self {
        case .line(let text): try container.encode(text, forKey: .line)
        case .finished(let outcome): try container.encode(outcome, forKey: .outcome)
        }
    }
}
