import NIOCore
import NIOHTTP1

/// Serves one connection of a `LabHTTPBackend`, replying as its mode says.
final class LabBackendHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let backend: LabHTTPBackend
    private var path = "/"
    private var keepAlive = true
    private var endlessBytesSent = 0
    private var streamingEndlessBody = false

    /// An endless body stops here anyway, so a forgotten client cannot make the lab loop forever.
    private static let endlessBodyCap = 1 << 30
    private static let chunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: 64 * 1024)

    init(backend: LabHTTPBackend) { self.backend = backend }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            path = head.uri
            keepAlive = head.isKeepAlive
        case .body:
            break
        case .end:
            respond(context: context, with: backend.reply(to: path))
        }
    }

    private func respond(context: ChannelHandlerContext, with reply: BackendReply) {
        switch reply {
        case .hang:
            break
        case .closeConnection:
            context.close(promise: nil)
        case .endlessBody:
            writeEndlessHead(context: context)
            streamingEndlessBody = true
            pumpEndlessBody(context: context)
        case .drippingBody:
            writeEndlessHead(context: context)
            context.flush()
            drip(context: context, remaining: 6_000)
        case .answer(let status, let body, let delay):
            guard let delay else { return send(context: context, status: status, body: body) }
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(
                in: .nanoseconds(
                    Int64(delay.components.seconds) * 1_000_000_000
                        + delay.components.attoseconds / 1_000_000_000)
            ) {
                let (handler, context) = loopBound.value
                handler.send(context: context, status: status, body: body)
            }
        }
    }

    private func writeEndlessHead(context: ChannelHandlerContext) {
        var head = HTTPResponseHead(version: .http1_1, status: .ok)
        head.headers.add(name: "Content-Type", value: "application/json")
        // A length no client reads to the end; raw bytes, so nothing frames them wrongly.
        head.headers.add(name: "Content-Length", value: String(1 << 40))
        context.write(wrapOutboundOut(.head(head)), promise: nil)
    }

    /// One byte every 100 ms, for at most `remaining` bytes (ten minutes), or until the client leaves.
    private func drip(context: ChannelHandlerContext, remaining: Int) {
        guard context.channel.isActive, remaining > 0 else { return }
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: " ")))), promise: nil)
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: .milliseconds(100)) {
            let (handler, context) = loopBound.value
            handler.drip(context: context, remaining: remaining - 1)
        }
    }

    private func send(context: ChannelHandlerContext, status: Int, body: String) {
        guard context.channel.isActive else { return }
        var head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status))
        head.headers.add(name: "Content-Type", value: body.hasPrefix("{") ? "application/json" : "text/plain")
        head.headers.add(name: "Content-Length", value: String(body.utf8.count))
        head.headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
        let keepAlive = keepAlive
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { [channel = context.channel] _ in
            if !keepAlive { channel.close(promise: nil) }
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if streamingEndlessBody { pumpEndlessBody(context: context) }
        context.fireChannelWritabilityChanged()
    }

    /// Writes while the socket takes it; resumes when it is writable again.
    private func pumpEndlessBody(context: ChannelHandlerContext) {
        while context.channel.isWritable && endlessBytesSent < Self.endlessBodyCap {
            context.write(wrapOutboundOut(.body(.byteBuffer(Self.chunk))), promise: nil)
            endlessBytesSent += Self.chunk.readableBytes
        }
        context.flush()
        if endlessBytesSent >= Self.endlessBodyCap { context.close(promise: nil) }
    }
}

/// Answers the first bytes a client sends with something that is not HTTP, then hangs up.
final class GarbageHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let noise = ByteBuffer(string: "\u{1}\u{2}garbage, not HTTP\u{0}\u{7f}\r\n\r\n")
        context.writeAndFlush(wrapOutboundOut(noise)).whenComplete { [channel = context.channel] _ in
            channel.close(promise: nil)
        }
    }
}
