/// How a request checks its TLS peer and proves itself. Verification is on unless turned off.
public struct TLSOptions: Equatable, Sendable {
    /// Verify the peer's certificate and host name (on by default; off only when a check says `insecure`).
    public var verifyPeer: Bool
    /// A PEM bundle of trusted CAs instead of the system's.
    public var caFile: String?
    /// A PEM client certificate and its key, for peers that ask for one.
    public var clientCertificateFile: String?
    /// The private key of `clientCertificateFile`.
    public var clientKeyFile: String?

    /// TLS settings; the defaults verify the peer against the system's CAs.
    public init(
        verifyPeer: Bool = true, caFile: String? = nil, clientCertificateFile: String? = nil,
        clientKeyFile: String? = nil
    ) {
        self.verifyPeer = verifyPeer
        self.caFile = caFile
        self.clientCertificateFile = clientCertificateFile
        self.clientKeyFile = clientKeyFile
    }
}
