/// Why an etcd call failed, with the endpoint that said so (or the last one tried).
public struct EtcdError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: Sendable, Equatable {
        /// No endpoint answered (each one's transport failure, in order).
        case unreachable([String])
        /// etcd answered with an error: its HTTP status, its gRPC code and its own message.
        case refused(status: Int, code: Int?, message: String)
        /// The answer was not what the gateway sends.
        case invalidAnswer(String)
    }

    public var endpoint: String
    public var kind: Kind

    public init(endpoint: String, _ kind: Kind) {
        self.endpoint = endpoint
        self.kind = kind
    }

    /// etcd's own message, when it answered.
    public var message: String? {
        if case .refused(_, _, let message) = kind { return message }
        return nil
    }

    public var description: String {
        switch kind {
        case .unreachable(let failures): "no etcd endpoint answers: " + failures.joined(separator: "; ")
        case .refused(let status, _, let message): "etcd at \(endpoint) refused (HTTP \(status)): \(message)"
        case .invalidAnswer(let what): "etcd at \(endpoint) answered what Vigil cannot read: \(what)"
        }
    }
}
