/// One request as the webhook receiver saw it.
public struct RecordedRequest: Sendable {
    public var method: String
    public var path: String
    /// Header names lower-cased.
    public var headers: [String: String]
    public var body: [UInt8]
    public var receivedAt: ContinuousClock.Instant
    public var reply: WebhookReply

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
