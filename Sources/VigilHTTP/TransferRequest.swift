/// One request as the libcurl loop runs it; probes and POSTs both become one.
struct TransferRequest: Sendable {
    var url: String
    var method: String
    var headers: [String]
    var body: [UInt8]?
    var connectTimeout: Duration
    var timeout: Duration
    /// Past this many body bytes the transfer is cut (and `bodyCut` set).
    var bodyLimit: Int
    var tls: TLSOptions
    var freshConnection = false
    /// Connect (and shake hands with TLS) only: no request is sent.
    var connectOnly = false
    /// Submit `body` as a mail over smtp:// or smtps:// instead of an HTTP request.
    var mail: MailEnvelope?
    /// A stream: each piece of the body as it arrives, none kept, no total timeout (it ends when
    /// the server closes it or the caller's task is cancelled).
    var onData: (@Sendable ([UInt8]) -> Void)?
}
