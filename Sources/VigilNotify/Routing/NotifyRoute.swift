/// One entry of a service's `notify:` list: a channel, and what of the service's messages it
/// gets on top of the channel's own filter.
public struct NotifyRoute: Sendable, Equatable {
    public var channel: String
    public var filter: MessageFilter

    public init(channel: String, filter: MessageFilter = .everything) {
        self.channel = channel
        self.filter = filter
    }
}
