/// How the lab's webhook receiver answers a request.
public enum WebhookReply: Equatable, Sendable {
    case status(Int)
    /// 429 with `Retry-After: seconds`.
    case tooManyRequests(retryAfterSeconds: Int)
    /// Reads the request and never answers it.
    case hang

    public static let ok = WebhookReply.status(200)
}
