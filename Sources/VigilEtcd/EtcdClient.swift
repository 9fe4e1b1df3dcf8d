import Foundation
import Synchronization
import VigilHTTP

/// A small etcd v3 client over its JSON gateway, through libcurl like every request Vigil makes:
/// leases, put, range, delete, transactions, member list, watch streams, and the auth token.
/// Endpoints are tried in order, starting from the last one that answered; one that cannot be
/// reached, or answers 5xx (no leader, a timeout inside etcd), hands the call to the next.
public final class EtcdClient: Sendable {
    public let endpoints: [String]
    private let engine: HTTPEngine
    private let timeout: Duration
    private let tls: TLSOptions
    private let credentials: (user: String, password: String)?
    private let preferred = Mutex(0)
    private let token = Mutex<String?>(nil)
    /// Told how long each call took, answered or not (for `vigil_etcd_request_duration_seconds`).
    private let observe: (@Sendable (Duration) -> Void)?

    public init(
        endpoints: [String], engine: HTTPEngine = .shared, timeout: Duration = .seconds(5), tls: TLSOptions = TLSOptions(),
        credentials: (user: String, password: String)? = nil, observe: (@Sendable (Duration) -> Void)? = nil
    ) {
        self.observe = observe
        self.endpoints = endpoints.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.engine = engine
        self.timeout = timeout
        self.tls = tls
        self.credentials = credentials
    }

    // MARK: Leases

    public func grantLease(ttl: Int) async throws(EtcdError) -> EtcdLease {
        let answer = try await call("/v3/lease/grant", ["TTL": String(ttl)])
        return EtcdLease(id: EtcdJSON.int(answer.json["ID"]), ttl: Int(EtcdJSON.int(answer.json["TTL"])))
    }

    /// Renews a lease; returns its time to live again, or nil when it is gone (expired or revoked).
    public func keepAlive(_ lease: Int64) async throws(EtcdError) -> Int? {
        let answer = try await call("/v3/lease/keepalive", ["ID": String(lease)])
        let result = answer.json["result"] as? [String: Any] ?? answer.json
        let ttl = EtcdJSON.int(result["TTL"])
        return ttl > 0 ? Int(ttl) : nil
    }

    public func revoke(_ lease: Int64) async throws(EtcdError) {
        _ = try await call("/v3/lease/revoke", ["ID": String(lease)])
    }

    // MARK: Keys

    /// Puts a value; returns the revision it made.
    @discardableResult
    public func put(_ key: String, _ value: [UInt8], lease: Int64? = nil) async throws(EtcdError) -> Int64 {
        var body: [String: Any] = ["key": EtcdJSON.base64(key), "value": EtcdJSON.base64(value)]
        if let lease { body["lease"] = String(lease) }
        return Self.revision(try await call("/v3/kv/put", body).json)
    }

    /// The key (or every key under it) and the store's revision.
    public func range(_ key: String, prefix: Bool = false) async throws(EtcdError) -> (kvs: [EtcdKeyValue], revision: Int64) {
        let answer = try await call("/v3/kv/range", EtcdJSON.keyRange(key, prefix: prefix))
        let kvs = (answer.json["kvs"] as? [[String: Any]] ?? []).map(EtcdKeyValue.init)
        return (kvs, Self.revision(answer.json))
    }

    /// Deletes the key (or every key under it); returns how many were deleted.
    @discardableResult
    public func delete(_ key: String, prefix: Bool = false) async throws(EtcdError) -> Int {
        Int(EtcdJSON.int(try await call("/v3/kv/deleterange", EtcdJSON.keyRange(key, prefix: prefix)).json["deleted"]))
    }

    /// Runs `success` when every comparison holds, `failure` otherwise, atomically.
    public func txn(compare: [EtcdCompare], success: [EtcdOperation], failure: [EtcdOperation] = []) async throws(EtcdError)
        -> EtcdTxnResult
    {
        let body: [String: Any] = ["compare": compare.map(\.json), "success": success.map(\.json), "failure": failure.map(\.json)]
        let answer = try await call("/v3/kv/txn", body)
        // A failed transaction has no "succeeded" at all: the gateway leaves false out.
        let ranges = (answer.json["responses"] as? [[String: Any]] ?? []).compactMap { response -> [EtcdKeyValue]? in
            guard let range = response["response_range"] as? [String: Any] else { return nil }
            return (range["kvs"] as? [[String: Any]] ?? []).map(EtcdKeyValue.init)
        }
        return EtcdTxnResult(succeeded: answer.json["succeeded"] as? Bool ?? false, revision: Self.revision(answer.json), ranges: ranges)
    }

    // MARK: Cluster

    public func members() async throws(EtcdError) -> [EtcdMember] {
        let answer = try await call("/v3/cluster/member/list", [:])
        return (answer.json["members"] as? [[String: Any]] ?? []).map { member in
            EtcdMember(
                id: member["ID"] as? String ?? "", name: member["name"] as? String ?? "",
                clientURLs: member["clientURLs"] as? [String] ?? [], isLearner: member["isLearner"] as? Bool ?? false)
        }
    }

    /// The endpoint that answered last, for what the CLI prints.
    public var currentEndpoint: String { endpoints[preferred.withLock { $0 } % max(1, endpoints.count)] }

    // MARK: Watch

    /// Every change of the key (or of the keys under it) from `fromRevision` (default: from now),
    /// as a stream that reconnects, to the next endpoint if need be, from the revision after the
    /// last change it delivered, so none is lost or repeated. It ends when its consumer stops, or
    /// with an error when etcd has compacted the revision it must resume from.
    public func watch(_ key: String, prefix: Bool = false, fromRevision: Int64? = nil) -> AsyncThrowingStream<EtcdWatchEvent, Error> {
        AsyncThrowingStream { continuation in
            let task = Task { [self] in
                let next = Mutex<Int64?>(fromRevision)
                var failures = 0
                while !Task.isCancelled {
                    let start = preferred.withLock { $0 }
                    for offset in endpoints.indices where !Task.isCancelled {
                        let index = (start + offset) % endpoints.count
                        var request = EtcdJSON.keyRange(key, prefix: prefix)
                        if let revision = next.withLock({ $0 }) { request["start_revision"] = String(revision) }
                        let pending = Mutex<[UInt8]>([])
                        let ended = Mutex<EtcdError?>(nil)
                        let endpoint = endpoints[index]
                        let outcome = await engine.stream(
                            url: endpoint + "/v3/watch", body: Self.encode(["create_request": request]), headers: headers(), tls: tls
                        ) { chunk in
                            let lines: [[UInt8]] = pending.withLock { buffer in
                                buffer += chunk
                                var complete: [[UInt8]] = []
                                while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                                    complete.append(Array(buffer[..<newline]))
                                    buffer.removeSubrange(...newline)
                                }
                                return complete
                            }
                            for line in lines {
                                // A line that is not a result (an error object, or not JSON) is kept as the stream's problem.
                                guard let result = Self.object(line)?["result"] as? [String: Any] else {
                                    ended.withLock {
                                        $0 = EtcdError(endpoint: endpoint, .invalidAnswer(String(decoding: line.prefix(300), as: UTF8.self)))
                                    }
                                    continue
                                }
                                if result["canceled"] as? Bool == true {
                                    let reason = result["cancel_reason"] as? String ?? "canceled"
                                    let compacted = EtcdJSON.int(result["compact_revision"])
                                    let message = compacted > 0 ? "the revision to resume from was compacted (now \(compacted))" : reason
                                    ended.withLock { $0 = EtcdError(endpoint: endpoint, .refused(status: 200, code: nil, message: message)) }
                                    continue
                                }
                                for event in result["events"] as? [[String: Any]] ?? [] {
                                    let kv = EtcdKeyValue(json: event["kv"] as? [String: Any] ?? [:])
                                    next.withLock { $0 = kv.modRevision + 1 }
                                    continuation.yield(EtcdWatchEvent(kind: event["type"] as? String == "DELETE" ? .delete : .put, keyValue: kv))
                                }
                                // From the first answer on, the stream resumes after what it has seen.
                                if next.withLock({ $0 }) == nil, let header = result["header"] as? [String: Any] {
                                    next.withLock { $0 = EtcdJSON.int(header["revision"]) + 1 }
                                }
                            }
                        }
                        if let error = ended.withLock({ $0 }), error.message?.contains("compacted") == true {
                            continuation.finish(throwing: error)
                            return
                        }
                        if case .success = outcome { preferred.withLock { $0 = index } }
                    }
                    // Every endpoint ended the stream (or none answered): again, a little later.
                    failures += 1
                    do {
                        try await Task.sleep(for: .milliseconds(100 * min(failures, 10)))
                    } catch {
                        break
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    // MARK: Calls

    struct Answer {
        var json: [String: Any]
    }

    /// POSTs to each endpoint in turn until one answers; an invalid or missing auth token is
    /// renewed once.
    func call(_ path: String, _ body: [String: Any]) async throws(EtcdError) -> Answer {
        let started = ContinuousClock.now
        defer { observe?(started.duration(to: .now)) }
        var failures: [String] = []
        var refusal: EtcdError?
        let start = preferred.withLock { $0 }
        for offset in endpoints.indices {
            let index = (start + offset) % endpoints.count
            let endpoint = endpoints[index]
            for attempt in 0..<2 {
                if credentials != nil && token.withLock({ $0 }) == nil && path != "/v3/auth/authenticate" {
                    try await authenticate(at: endpoint)
                }
                let outcome = await engine.post(
                    url: endpoint + path, body: Self.encode(body), headers: headers(), connectTimeout: min(timeout, .seconds(2)),
                    timeout: timeout, keepBodyBytes: 4 << 20, tls: tls, freshConnection: false)
                switch outcome {
                case .failure(let error):
                    failures.append("\(endpoint): \(error.failure)")
                case .success(let response):
                    if response.status == 200, let json = Self.object(response.bodyPrefix) {
                        preferred.withLock { $0 = index }
                        return Answer(json: json)
                    }
                    let error = Self.refusal(response, from: endpoint)
                    let message = error.message ?? ""
                    if attempt == 0 && credentials != nil && message.contains("token") {
                        token.withLock { $0 = nil }  // expired or from before a restart: log in again
                        continue
                    }
                    // No leader, or a timeout inside etcd: another member may have one.
                    if response.status >= 500 {
                        refusal = error
                        failures.append("\(endpoint): HTTP \(response.status): \(message)")
                        break
                    }
                    throw error
                }
                break
            }
        }
        throw refusal ?? EtcdError(endpoint: endpoints.last ?? "", .unreachable(failures))
    }

    private func authenticate(at endpoint: String) async throws(EtcdError) {
        guard let credentials else { return }
        let outcome = await engine.post(
            url: endpoint + "/v3/auth/authenticate",
            body: Self.encode(["name": credentials.user, "password": credentials.password]), connectTimeout: min(timeout, .seconds(2)),
            timeout: timeout, tls: tls)
        switch outcome {
        case .failure(let error):
            throw EtcdError(endpoint: endpoint, .unreachable(["\(endpoint): \(error.failure)"]))
        case .success(let response):
            guard response.status == 200, let issued = Self.object(response.bodyPrefix)?["token"] as? String else {
                throw Self.refusal(response, from: endpoint)
            }
            token.withLock { $0 = issued }
        }
    }

    private func headers() -> [(name: String, value: String)] {
        var headers = [(name: "Content-Type", value: "application/json")]
        if let token = token.withLock({ $0 }) { headers.append((name: "Authorization", value: token)) }
        return headers
    }

    static func encode(_ body: [String: Any]) -> [UInt8] {
        do {
            return [UInt8](try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]))
        } catch {
            preconditionFailure("the requests are built of strings, numbers and lists: \(error)")
        }
    }

    /// A JSON object, or nil for anything else: the callers keep the raw text for their errors.
    static func object(_ bytes: [UInt8]) -> [String: Any]? {
        do {
            return try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
        } catch {
            return nil
        }
    }

    /// etcd's refusal in its own words: the gateway's `message` (or `error`) and gRPC code, or
    /// the start of the body when it is not the gateway's JSON.
    static func refusal(_ response: HTTPResponse, from endpoint: String) -> EtcdError {
        let json = object(response.bodyPrefix)
        let message =
            (json?["message"] as? String) ?? (json?["error"] as? String)
            ?? "HTTP \(response.status): \(String(decoding: response.bodyPrefix.prefix(300), as: UTF8.self))"
        return EtcdError(endpoint: endpoint, .refused(status: response.status, code: (json?["code"] as? NSNumber)?.intValue, message: message))
    }

    static func revision(_ json: [String: Any]) -> Int64 { EtcdJSON.int((json["header"] as? [String: Any])?["revision"]) }
}
