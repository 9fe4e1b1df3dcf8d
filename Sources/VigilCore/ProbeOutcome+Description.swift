extension ProbeOutcome: CustomStringConvertible {
    /// "ok", or the failure in its one wording.
    public var description: String {
        switch self {
        case .healthy: "ok"
        case .failed(let failure): failure.description
        }
    }
}
