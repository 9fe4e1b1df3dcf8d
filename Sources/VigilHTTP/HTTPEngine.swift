import Foundation
import VigilCore

/// Every HTTP request Vigil makes goes through one of these: health probes and webhook POSTs,
/// run concurrently by libcurl on a thread of the engine's own, reusing connections.
public final class HTTPEngine: Sendable {
    /// The process's engine. Tests may make their own and shut them down.
    public static let shared = HTTPEngine()

    private let loop: CurlMultiLoop

    /// - Parameter maxConnections: how many idle connections libcurl keeps for reuse.
    public init(maxConnections: Int = 1_024) {
        loop = CurlMultiLoop(maxConnections: maxConnections)
    }

    /// Ends every request in flight and stops the engine's thread.
    public func shutdown() { loop.shutdown() }

    /// Runs one health probe. Never throws: every failure is a named outcome.
    public func probe(_ probe: HealthProbe) async -> ProbeOutcome {
        let result = await loop.perform(
            TransferRequest(
                url: probe.url, method: probe.method.rawValue,
                headers: probe.headers.map { "\($0.name): \($0.value)" }, body: nil,
                connectTimeout: probe.connectTimeout, timeout: probe.timeout,
                bodyLimit: probe.maxBodyBytes, tls: probe.tls, freshConnection: probe.freshConnection))
        return probe.outcome(of: result)
    }

    /// POSTs a body (a webhook). Any HTTP answer is a response, whatever its status; only a
    /// request that got no answer is an error, and the error never contains the URL.
    public func post(
        url: String,
        body: [UInt8],
        headers: [(name: String, value: String)] = [("Content-Type", "application/json")],
        connectTimeout: Duration = .seconds(5),
        timeout: Duration = .seconds(10),
        keepBodyBytes: Int = 4_096,
        tls: TLSOptions = TLSOptions(),
        freshConnection: Bool = false
    ) async -> Result<HTTPResponse, HTTPTransportError> {
        await send(
            "POST", url: url, body: body, headers: headers, connectTimeout: connectTimeout, timeout: timeout,
            keepBodyBytes: keepBodyBytes, tls: tls, freshConnection: freshConnection)
    }

    /// Connects to a URL's server and, for https, completes the TLS handshake with the peer
    /// verified, sending no request: proves a channel's endpoint is reachable without posting.
    /// - Returns: nil when it connected; the failure otherwise (naming the peer, never the URL).
    public func connect(url: String, connectTimeout: Duration = .seconds(5), tls: TLSOptions = TLSOptions()) async -> HTTPTransportError? {
        let result = await loop.perform(
            TransferRequest(
                url: url, method: "GET", headers: [], body: nil, connectTimeout: connectTimeout, timeout: connectTimeout + .seconds(5),
                bodyLimit: 0, tls: tls, connectOnly: true))
        guard result.code != 0 else { return nil }
        let failure = result.transportFailure ?? .other(code: result.code, message: result.message)
        return HTTPTransportError(failure: failure.redacting(url), peer: Self.peer(of: url))
    }

    /// GETs a URL (a heartbeat ping); answered and failed as `post` is.
    public func get(
        url: String, connectTimeout: Duration = .seconds(5), timeout: Duration = .seconds(10), tls: TLSOptions = TLSOptions(),
        freshConnection: Bool = false
    ) async -> Result<HTTPResponse, HTTPTransportError> {
        await send(
            "GET", url: url, body: nil, headers: [], connectTimeout: connectTimeout, timeout: timeout, keepBodyBytes: 1_024, tls: tls,
            freshConnection: freshConnection)
    }

    /// POSTs a body and hands each piece of the answer's body to `onData` as it arrives (a watch
    /// stream), until the server ends it or the calling task is cancelled.
    /// - Returns: the HTTP status when the stream ended after an answer; the failure otherwise
    ///   (naming the peer, never the URL).
    public func stream(
        url: String, body: [UInt8], headers: [(name: String, value: String)] = [("Content-Type", "application/json")],
        connectTimeout: Duration = .seconds(5), tls: TLSOptions = TLSOptions(), onData: @escaping @Sendable ([UInt8]) -> Void
    ) async -> Result<Int, HTTPTransportError> {
        var request = TransferRequest(
            url: url, method: "POST", headers: headers.map { "\($0.name): \($0.value)" }, body: body, connectTimeout: connectTimeout,
            timeout: .zero, bodyLimit: 0, tls: tls, freshConnection: true)
        request.onData = onData
        let result = await loop.perform(request)
        if result.status > 0 && result.code == 0 { return .success(result.status) }
        let failure = result.transportFailure ?? .other(code: result.code, message: result.message)
        return .failure(HTTPTransportError(failure: failure.redacting(url), peer: Self.peer(of: url)))
    }

    /// Submits a whole mail (CRLF lines, headers first) over smtp:// or smtps://. Never throws:
    /// a refusal carries the server's reply code; the error never contains the password.
    public func sendMail(
        url: String, envelope: MailEnvelope, message: [UInt8], connectTimeout: Duration = .seconds(5),
        timeout: Duration = .seconds(30), tls: TLSOptions = TLSOptions()
    ) async -> MailResult {
        let result = await loop.perform(
            TransferRequest(
                url: url, method: "POST", headers: [], body: message, connectTimeout: connectTimeout, timeout: timeout,
                bodyLimit: 4_096, tls: tls, freshConnection: true, mail: envelope))
        if result.code == 0 { return .accepted }
        // libcurl keeps the last reply code: a refusal of MAIL, RCPT or the data, or of AUTH.
        if (400..<600).contains(result.status) { return .refused(reply: result.status, message: result.message) }
        let failure = result.transportFailure ?? .other(code: result.code, message: result.message)
        return .failed(HTTPTransportError(failure: failure.redacting(url), peer: Self.peer(of: url)))
    }

    private func send(
        _ method: String, url: String, body: [UInt8]?, headers: [(name: String, value: String)], connectTimeout: Duration,
        timeout: Duration, keepBodyBytes: Int, tls: TLSOptions, freshConnection: Bool = false
    ) async -> Result<HTTPResponse, HTTPTransportError> {
        let result = await loop.perform(
            TransferRequest(
                url: url, method: method, headers: headers.map { "\($0.name): \($0.value)" }, body: body,
                connectTimeout: connectTimeout, timeout: timeout, bodyLimit: keepBodyBytes, tls: tls,
                freshConnection: freshConnection))
        let answered = result.status > 0 && (result.code == 0 || result.bodyCut)
        guard answered else {
            let failure = result.transportFailure ?? .other(code: result.code, message: result.message)
            return .failure(HTTPTransportError(failure: failure.redacting(url), peer: Self.peer(of: url)))
        }
        var headerMap: [String: String] = [:]
        for (name, value) in result.headers { headerMap[name] = value }
        return .success(
            HTTPResponse(
                status: result.status, headers: headerMap,
                retryAfter: headerMap["retry-after"].flatMap { RetryAfter.parse($0) },
                bodyPrefix: result.body, timings: result.timings))
    }

    /// `host:port` of a URL, which is all an error may say about a secret URL.
    static func peer(of url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host else { return "(invalid URL)" }
        let defaultPorts = ["https": 443, "smtp": 25, "smtps": 465]
        let port = components.port ?? defaultPorts[components.scheme?.lowercased() ?? ""] ?? 80
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(bracketed):\(port)"
    }
}

extension ProbeFailure {
    /// The same failure with every trace of a secret URL (whole, or its path and query) cut out
    /// of libcurl's message.
    func redacting(_ url: String) -> ProbeFailure {
        var secrets = [url]
        if let components = URLComponents(string: url) {
            let tail = components.percentEncodedPath + (components.percentEncodedQuery.map { "?\($0)" } ?? "")
            if tail.count > 1 { secrets.append(tail) }
        }
        func scrub(_ message: String) -> String {
            secrets.reduce(message) { $0.replacingOccurrences(of: $1, with: "<redacted>") }
        }
        switch self {
        case .nameResolution(let message): return .nameResolution(scrub(message))
        case .tls(let message): return .tls(scrub(message))
        case .invalidResponse(let message): return .invalidResponse(scrub(message))
        case .other(let code, let message): return .other(code: code, message: scrub(message))
        case .local(let message): return .local(scrub(message))
        case .refused, .timeout, .status, .bodyMismatch, .tooSlow, .tooLarge: return self
        }
    }
}
