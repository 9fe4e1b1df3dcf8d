/// Where and how to open an SSH session. Host keys are always checked against `knownHostsFile`.
public struct SSHTarget: Equatable, Sendable {
    /// The host name or address.
    public var host: String
    /// The SSH port.
    public var port: Int
    /// The login user.
    public var user: String
    /// A private key file (ed25519 recommended; see `SSHKeyFile` for RSA's limits here).
    public var identityFile: String
    /// The key's passphrase, if any. Never logged or shown.
    public var passphrase: String?
    /// The OpenSSH known_hosts file the host key is checked against.
    public var knownHostsFile: String
    /// Accept and record a host's key the first time it is seen. Off by default: an unknown host
    /// is refused.
    public var trustOnFirstUse: Bool
    /// How long the TCP connect and the handshake may take.
    public var connectTimeout: Duration
    /// The deadline of each blocking step: handshake, authentication, each SFTP call.
    public var operationTimeout: Duration
    /// How often an idle session sends a keepalive; nil for never.
    public var keepaliveInterval: Duration?

    /// Where and how to log in; see each property.
    public init(
        host: String, port: Int = 22, user: String, identityFile: String, passphrase: String? = nil,
        knownHostsFile: String, trustOnFirstUse: Bool = false, connectTimeout: Duration = .seconds(5),
        operationTimeout: Duration = .seconds(10), keepaliveInterval: Duration? = .seconds(30)
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.identityFile = identityFile
        self.passphrase = passphrase
        self.knownHostsFile = knownHostsFile
        self.trustOnFirstUse = trustOnFirstUse
        self.connectTimeout = connectTimeout
        self.operationTimeout = operationTimeout
        self.keepaliveInterval = keepaliveInterval
    }

    /// `user@host:port`, as errors name the peer.
    public var peer: String {
        let address = host.contains(":") ? "[\(host)]" : host
        return "\(user)@\(address):\(port)"
    }
}
