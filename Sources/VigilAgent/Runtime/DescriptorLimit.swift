import Foundation

/// The process's open-file limit. The daemon raises its soft limit to the hard one at start:
/// systemd's default soft limit (1,024) is small next to what probes, SSH sessions, the
/// listeners and the control socket may need at once.
public enum DescriptorLimit {
    /// Raises the soft limit to the hard limit; returns both limits after, or the cause.
    public static func raiseToHard() -> Result<(soft: UInt64, hard: UInt64), DescriptorLimitError> {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else {
            return .failure(DescriptorLimitError(cause: String(cString: strerror(errno))))
        }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            guard setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 else {
                return .failure(DescriptorLimitError(cause: String(cString: strerror(errno))))
            }
            limit = raised
        }
        return .success((UInt64(limit.rlim_cur), UInt64(limit.rlim_max)))
    }
}

/// Why the open-file limit could not be read or raised.
public struct DescriptorLimitError: Error, CustomStringConvertible {
    public var cause: String
    public var description: String { "cannot raise the open-file limit: \(cause)" }
}
