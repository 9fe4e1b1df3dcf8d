/// Which channels' secrets a command resolves. Commands that only talk to the daemon need none
/// (an operator's shell lacks the service's environment); the ones that send need only the
/// channels they send to. `vigil config check` and `vigil run` resolve every one.
public enum SecretScope: Sendable, Equatable {
    case all
    case none
    case channels(Set<String>)

    func includes(_ channel: String) -> Bool {
        switch self {
        case .all: true
        case .none: false
        case .channels(let names): names.contains(channel)
        }
    }
}
