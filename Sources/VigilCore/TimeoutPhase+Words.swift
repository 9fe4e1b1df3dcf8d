extension TimeoutPhase {
    /// Where the request was, as it reads after "timed out".
    var during: String {
        switch self {
        case .connect: "connecting"
        case .tlsHandshake: "in the TLS handshake"
        case .firstByte: "waiting for the answer"
        case .body: "reading the body"
        }
    }
}
