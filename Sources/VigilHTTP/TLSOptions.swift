/// How a request checks its TLS peer and proves itself. Verification is on unless turned off.
public struct TLSOptions: Equatable, Sendable {
    public var verifyPeer: Bool
    /// A PEM bundle of trusted CAs instead of the system's.
    public var caFile: String?
    /// A PEM client certificate and its key, for peers that ask for one.
    public var clientCertificateFile: String?
    public var clientKeyFile: String?

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
