import Foundation
import VigilCore

/// Everything one channel needs from a message to a delivery: its settings, its wording, its
/// outbox on disk and the worker that empties it.
struct ChannelPipeline: Sendable {
    let channel: NotificationChannel
    let renderer: MessageRenderer
    let publicWording: PublicWording
    let outbox: Outbox
    let worker: DeliveryWorker

    /// The message as this channel sends it: rendered with the channel's wording (or, for a
    /// public channel, the public wording), in its payload shape, as an outbox entry; nil when
    /// a public channel does not get this kind.
    func entry(for message: Message, eventID: String, agentHost: String, time: Date, audience: Audience? = nil) -> OutboxEntry? {
        let rendered: RenderedMessage
        switch audience ?? channel.audience {
        case .internal:
            rendered = renderer.render(message, statusPageURL: channel.statusPageURL)
        case .public:
            guard let words = publicWording.render(message, statusPageURL: channel.statusPageURL) else { return nil }
            rendered = words
        }
        let body = NotificationPayload.body(
            for: message, rendered: rendered, channel: channel, eventID: eventID, agentHost: agentHost, time: time)
        return OutboxEntry(eventID: eventID, channel: channel.name, createdAt: time.timeIntervalSince1970, body: Data(body))
    }
}
