import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A backend service on loopback whose health can be switched while it runs. `/` names the
/// backend (so a request through nginx shows who answered); `/health` answers by the mode.
public final class LabHTTPBackend: Sendable {
    public let name: String
    private let listener: LabListener
    private let state: Mutex<State>

    struct State {
        var mode: HealthMode
        var generator: SeededGenerator
        var requests = 0
        var healthRequests = 0
    }

    private init(name: String, listener: LabListener, initial: State) {
        self.name = name
        self.listener = listener
        self.state = Mutex(initial)
    }

    /// Starts a backend on 127.0.0.1 (`port` 0 picks a free one).
    public static func start(name: String, port: Int = 0, mode: HealthMode = .ok) async throws -> LabHTTPBackend {
        let box = BackendBox()
        let listener = LabListener { channel in
            guard let backend = box.backend else { return channel.close() }
            return backend.configure(channel)
        }
        var initial = State(mode: mode, generator: SeededGenerator(seed: 1))
        if case .flaky(_, let seed) = mode { initial.generator = SeededGenerator(seed: seed) }
        let backend = LabHTTPBackend(name: name, listener: listener, initial: initial)
        box.backend = backend
        if mode == .refuse && port == 0 {
            try listener.reserve()
        } else {
            try await listener.open(port: port)
            if mode == .refuse { await listener.close() }
        }
        return backend
    }

    public var port: Int { listener.port }
    public var url: String { "http://127.0.0.1:\(port)" }
    public var healthURL: String { "\(url)/health" }
    public var mode: HealthMode { state.withLock { $0.mode } }
    /// TCP connections accepted since start: few for many probes means connections are reused.
    public var connectionsAccepted: Int { listener.connectionsAccepted }
    public var requestsReceived: Int { state.withLock { $0.requests } }
    public var healthRequestsReceived: Int { state.withLock { $0.healthRequests } }

    /// Switches the behaviour. `refuse` closes the listener and drops open connections; leaving it
    /// listens again on the same port.
    public func setHealth(_ mode: HealthMode) async throws {
        state.withLock { state in
            state.mode = mode
            if case .flaky(_, let seed) = mode { state.generator = SeededGenerator(seed: seed) }
        }
        if mode == .refuse {
            await listener.close()
        } else if !listener.isOpen {
            try await listener.open(port: listener.port)
        }
    }

    /// Fails every check with HTTP 503 for `duration`, then serves again. The listener stays
    /// open, so the end is one change of mode, timed on one of NIO's event loops rather than by
    /// the caller's task: closing and binding the listener again (as `refuse` does) once
    /// stretched a 1.5 s blip past 2 s on a loaded machine. Returns once it serves again.
    public func blip(for duration: Duration) async throws {
        try await setHealth(.status(503))
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let nanoseconds = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        try await loop.scheduleTask(in: .nanoseconds(nanoseconds)) { [self] in
            state.withLock { $0.mode = .ok }
        }.futureResult.get()
    }

    public func stop() async { await listener.close(releasingPort: true) }

    // MARK: Serving

    private func configure(_ channel: Channel) -> EventLoopFuture<Void> {
        if mode == .garbage {
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(GarbageHandler())
            }
        }
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
            try channel.pipeline.syncOperations.addHandler(LabBackendHandler(backend: self))
        }
    }

    /// What to do with one request, decided (and counted) when the request is complete.
    func reply(to path: String) -> BackendReply {
        state.withLock { state in
            state.requests += 1
            let isHealth = path.hasPrefix("/health")
            if isHealth { state.healthRequests += 1 }
            let greeting = "backend: \(name)\n"
            let healthy = "{\"status\":\"ok\",\"backend\":\"\(name)\"}\n"
            let body = isHealth ? healthy : greeting
            switch state.mode {
            case .ok:
                return .answer(status: 200, body: body, delay: nil)
            case .refuse:
                // A request on a connection that outlived the close: hang up, as a dead process would.
                return .closeConnection
            case .status(let code):
                return .answer(status: code, body: "{\"status\":\"failing\",\"backend\":\"\(name)\"}\n", delay: nil)
            case .hang:
                return .hang
            case .slow(let delay):
                return .answer(status: 200, body: body, delay: delay)
            case .flaky(let probability, _):
                guard isHealth else { return .answer(status: 200, body: body, delay: nil) }
                let draw = Double.random(in: 0..<1, using: &state.generator)
                return draw < probability
                    ? .answer(status: 500, body: "{\"status\":\"flaky\"}\n", delay: nil)
                    : .answer(status: 200, body: body, delay: nil)
            case .garbage:
                return .closeConnection
            case .huge:
                return isHealth ? .endlessBody : .answer(status: 200, body: body, delay: nil)
            case .drip:
                return isHealth ? .drippingBody : .answer(status: 200, body: body, delay: nil)
            }
        }
    }
}

/// Lets the listener's initializer reach the backend that owns the listener.
private final class BackendBox: @unchecked Sendable {
    var backend: LabHTTPBackend?
}

enum BackendReply {
    case answer(status: Int, body: String, delay: Duration?)
    case hang
    case closeConnection
    case endlessBody
    case drippingBody
}
