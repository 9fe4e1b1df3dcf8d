/// What reading one load balancer's upstream file found.
public enum UpstreamObservation: Equatable, Hashable, Sendable, Codable {
    /// The file names one backend as the server (and perhaps the other as `backup`).
    case serving(UpstreamLayout)
    /// The file was read but names neither backend the way Vigil writes it; the offending
    /// lines are quoted.
    case unrecognised(String)
    /// The file could not be read, with the real cause (host unreachable, authentication
    /// refused, host key mismatch, file missing, permission denied, ...).
    case unreadable(String)

    /// What a layout parsed elsewhere says: nil is a file that names neither backend.
    public init(_ layout: UpstreamLayout?) {
        self = layout.map(UpstreamObservation.serving) ?? .unrecognised("")
    }

    /// The layout, when the file names one.
    public var layout: UpstreamLayout? {
        switch self {
        case .serving(let layout): layout
        case .unrecognised, .unreadable: nil
        }
    }
}
