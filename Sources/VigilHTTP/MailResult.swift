/// How a mail submission ended.
public enum MailResult: Sendable {
    /// The server took it (250 after the data).
    case accepted
    /// The server answered with a refusal: its reply code (4xx: try later; 5xx: never) and
    /// libcurl's words for it.
    case refused(reply: Int, message: String)
    /// No answer to judge: the connection, TLS or the login failed before a reply code.
    case failed(HTTPTransportError)
}
