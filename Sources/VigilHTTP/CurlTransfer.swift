import CCurl
import Foundation
import Synchronization
import VigilCore

/// One libcurl easy handle and everything it writes into. Created by the caller, configured, run
/// and finished on the loop's thread only; `cancel()` is the one call safe from anywhere.
final class CurlTransfer: @unchecked Sendable {
    let request: TransferRequest
    private let continuation: CheckedContinuation<TransferResult, Never>
    private let cancelled = Atomic<Bool>(false)

    private(set) var easy: UnsafeMutableRawPointer?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var recipientList: UnsafeMutablePointer<curl_slist>?
    /// How much of a mail's body libcurl has read.
    private var uploaded = 0
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    private var body: [UInt8] = []
    private var bodyCut = false
    private var headers: [(name: String, value: String)] = []
    private var sawResponseBytes = false
    private var finished = false

    init(request: TransferRequest, continuation: CheckedContinuation<TransferResult, Never>) {
        self.request = request
        self.continuation = continuation
        errorBuffer.initialize(to: 0)
    }

    deinit {
        if let easy { curl_easy_cleanup(easy) }
        if let headerList { curl_slist_free_all(headerList) }
        if let recipientList { curl_slist_free_all(recipientList) }
        errorBuffer.deallocate()
    }

    func cancel() { cancelled.store(true, ordering: .relaxed) }

    /// Creates and configures the easy handle; on failure the transfer is already finished.
    func configure() -> Bool {
        guard let handle = curl_easy_init() else {
            finish(code: Int(CURLE_FAILED_INIT.rawValue), message: "curl_easy_init failed")
            return false
        }
        easy = handle
        do {
            try applyOptions(to: handle)
            return true
        } catch let failure as OptionFailure {
            finish(code: failure.code, message: failure.message)
            return false
        } catch {
            preconditionFailure("applyOptions throws only OptionFailure, not \(error)")
        }
    }

    private struct OptionFailure: Error {
        var code: Int
        var message: String
    }

    private func check(_ code: CURLcode, _ option: String) throws {
        guard code == CURLE_OK else {
            throw OptionFailure(code: Int(code.rawValue), message: "setting \(option): \(String(cString: curl_easy_strerror(code)))")
        }
    }

    private func applyOptions(to handle: UnsafeMutableRawPointer) throws {
        let context = Unmanaged.passUnretained(self).toOpaque()
        // A mail server's URL may also be checked with a connection only (a channel's preflight).
        let protocols = request.mail != nil || request.url.lowercased().hasPrefix("smtp") ? "smtp,smtps" : "http,https"
        try check(vigil_curl_setopt_string(handle, CURLOPT_URL, request.url), "URL")
        try check(vigil_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, protocols), "PROTOCOLS_STR")
        try check(vigil_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1), "NOSIGNAL")
        try check(vigil_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0), "FOLLOWLOCATION")
        try check(
            vigil_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(max(1, request.connectTimeout.wholeMilliseconds))), "CONNECTTIMEOUT_MS")
        // A stream has no total timeout (0): it lasts until the server or the caller ends it.
        let total = request.onData == nil ? Int(max(1, request.timeout.wholeMilliseconds)) : 0
        try check(vigil_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, total), "TIMEOUT_MS")
        try check(vigil_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), "ERRORBUFFER")
        try check(vigil_curl_setopt_pointer(handle, CURLOPT_PRIVATE, context), "PRIVATE")
        try check(vigil_curl_setopt_string(handle, CURLOPT_USERAGENT, "vigil"), "USERAGENT")
        // Health answers are small: a 4 KiB receive buffer instead of 16 KiB keeps a round of
        // a thousand concurrent checks 12 MB lighter (bodies still arrive whole, in pieces).
        try check(vigil_curl_setopt_long(handle, CURLOPT_BUFFERSIZE, 4_096), "BUFFERSIZE")
        try check(vigil_curl_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION, curlWriteBody), "WRITEFUNCTION")
        try check(vigil_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context), "WRITEDATA")
        try check(vigil_curl_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION, curlWriteHeader), "HEADERFUNCTION")
        try check(vigil_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context), "HEADERDATA")
        try check(vigil_curl_setopt_long(handle, CURLOPT_NOPROGRESS, 0), "NOPROGRESS")
        if request.connectOnly {
            try check(vigil_curl_setopt_long(handle, CURLOPT_CONNECT_ONLY, 1), "CONNECT_ONLY")
        }
        if request.freshConnection || request.connectOnly {
            try check(vigil_curl_setopt_long(handle, CURLOPT_FRESH_CONNECT, 1), "FRESH_CONNECT")
            try check(vigil_curl_setopt_long(handle, CURLOPT_FORBID_REUSE, 1), "FORBID_REUSE")
        }
        try check(vigil_curl_setopt_progress_callback(handle, CURLOPT_XFERINFOFUNCTION, curlProgress), "XFERINFOFUNCTION")
        try check(vigil_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, context), "XFERINFODATA")

        if let mail = request.mail {
            try applyMailOptions(mail, to: handle)
        } else {
            try applyHTTPOptions(to: handle)
        }

        let tls = request.tls
        try check(vigil_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, tls.verifyPeer ? 1 : 0), "SSL_VERIFYPEER")
        try check(vigil_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, tls.verifyPeer ? 2 : 0), "SSL_VERIFYHOST")
        if let caFile = tls.caFile {
            try check(vigil_curl_setopt_string(handle, CURLOPT_CAINFO, caFile), "CAINFO")
        }
        if let certificate = tls.clientCertificateFile {
            try check(vigil_curl_setopt_string(handle, CURLOPT_SSLCERT, certificate), "SSLCERT")
        }
        if let key = tls.clientKeyFile {
            try check(vigil_curl_setopt_string(handle, CURLOPT_SSLKEY, key), "SSLKEY")
        }
    }

    private func applyHTTPOptions(to handle: UnsafeMutableRawPointer) throws {
        switch request.method {
        case "HEAD":
            try check(vigil_curl_setopt_long(handle, CURLOPT_NOBODY, 1), "NOBODY")
        case "GET":
            try check(vigil_curl_setopt_long(handle, CURLOPT_HTTPGET, 1), "HTTPGET")
        default:
            try check(vigil_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method), "CUSTOMREQUEST")
        }
        if let payload = request.body {
            try check(vigil_curl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(payload.count)), "POSTFIELDSIZE_LARGE")
            try payload.withUnsafeBufferPointer { bytes in
                // COPYPOSTFIELDS copies the bytes, so the array need not outlive this call.
                let base = UnsafeMutableRawPointer(mutating: bytes.baseAddress) ?? UnsafeMutableRawPointer(errorBuffer)
                try check(vigil_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, base), "COPYPOSTFIELDS")
            }
        }
        // libcurl keeps the list, not a copy: it lives as long as the handle (freed in deinit).
        for line in request.headers + ["Expect:"] {
            guard let appended = curl_slist_append(headerList, line) else {
                throw OptionFailure(code: Int(CURLE_OUT_OF_MEMORY.rawValue), message: "building the header list")
            }
            headerList = appended
        }
        try check(vigil_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList), "HTTPHEADER")
    }

    private func applyMailOptions(_ mail: MailEnvelope, to handle: UnsafeMutableRawPointer) throws {
        let context = Unmanaged.passUnretained(self).toOpaque()
        try check(vigil_curl_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(mail.sender)>"), "MAIL_FROM")
        for recipient in mail.recipients {
            guard let appended = curl_slist_append(recipientList, "<\(recipient)>") else {
                throw OptionFailure(code: Int(CURLE_OUT_OF_MEMORY.rawValue), message: "building the recipient list")
            }
            recipientList = appended
        }
        try check(vigil_curl_setopt_slist(handle, CURLOPT_MAIL_RCPT, recipientList), "MAIL_RCPT")
        try check(vigil_curl_setopt_long(handle, CURLOPT_UPLOAD, 1), "UPLOAD")
        try check(vigil_curl_setopt_off_t(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(request.body?.count ?? 0)), "INFILESIZE_LARGE")
        try check(vigil_curl_setopt_data_callback(handle, CURLOPT_READFUNCTION, curlReadBody), "READFUNCTION")
        try check(vigil_curl_setopt_pointer(handle, CURLOPT_READDATA, context), "READDATA")
        if mail.requireTLS {
            try check(vigil_curl_setopt_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)), "USE_SSL")
        }
        if let username = mail.username {
            try check(vigil_curl_setopt_string(handle, CURLOPT_USERNAME, username), "USERNAME")
        }
        if let password = mail.password {
            try check(vigil_curl_setopt_string(handle, CURLOPT_PASSWORD, password), "PASSWORD")
        }
    }

    // MARK: Callbacks from libcurl, on the loop's thread

    fileprivate func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        sawResponseBytes = true
        if let onData = request.onData {
            onData(Array(bytes))
            return bytes.count
        }
        let room = request.bodyLimit - body.count
        guard bytes.count <= room else {
            body.append(contentsOf: bytes.prefix(max(0, room)))
            bodyCut = true
            return 0  // a short count makes libcurl abort with CURLE_WRITE_ERROR
        }
        body.append(contentsOf: bytes)
        return bytes.count
    }

    fileprivate func receiveHeader(_ bytes: UnsafeRawBufferPointer) -> Int {
        sawResponseBytes = true
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            headers.removeAll()  // a new response (after 100 Continue) starts a new header block
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers.append((name, value))
        }
        return bytes.count
    }

    /// Hands libcurl the next piece of a mail's body; 0 ends it.
    fileprivate func sendBody(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let payload = request.body, uploaded < payload.count else { return 0 }
        let count = min(buffer.count, payload.count - uploaded)
        payload.withUnsafeBytes { bytes in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[uploaded..<(uploaded + count)]))
        }
        uploaded += count
        return count
    }

    fileprivate var shouldAbort: Bool { cancelled.load(ordering: .relaxed) }

    // MARK: Completion

    /// Collects what libcurl measured and hands the result to the waiting caller, once.
    func finish(code: Int, message overrideMessage: String? = nil) {
        guard !finished else { return }
        finished = true
        var status = 0
        var osErrno: Int32 = 0
        var timings = ProbeTimings()
        var phase = TimeoutPhase.connect
        if let easy {
            var value: Int = 0
            if vigil_curl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &value) == CURLE_OK { status = value }
            if vigil_curl_getinfo_long(easy, CURLINFO_OS_ERRNO, &value) == CURLE_OK { osErrno = Int32(value) }
            func micros(_ info: CURLINFO) -> curl_off_t {
                var micros: curl_off_t = 0
                return vigil_curl_getinfo_off_t(easy, info, &micros) == CURLE_OK ? micros : 0
            }
            timings = ProbeTimings(
                nameLookup: .microseconds(micros(CURLINFO_NAMELOOKUP_TIME_T)),
                connect: .microseconds(micros(CURLINFO_CONNECT_TIME_T)),
                tlsHandshake: .microseconds(micros(CURLINFO_APPCONNECT_TIME_T)),
                firstByte: .microseconds(micros(CURLINFO_STARTTRANSFER_TIME_T)),
                total: .microseconds(micros(CURLINFO_TOTAL_TIME_T)))
            let requestSent = micros(CURLINFO_PRETRANSFER_TIME_T) > 0
            let connected = micros(CURLINFO_CONNECT_TIME_T) > 0
            if sawResponseBytes {
                phase = .body
            } else if requestSent {
                phase = .firstByte
            } else if connected && request.url.lowercased().hasPrefix("https:") {
                phase = .tlsHandshake
            }
        }
        let libraryMessage = String(cString: errorBuffer)
        let message =
            overrideMessage
            ?? (libraryMessage.isEmpty ? String(cString: curl_easy_strerror(CURLcode(UInt32(code)))) : libraryMessage)
        // Freed here, on the loop's thread, rather than wherever the last reference goes.
        if let easy { curl_easy_cleanup(easy) }
        easy = nil
        continuation.resume(
            returning: TransferResult(
                code: code, message: message, osErrno: osErrno, status: status, timings: timings,
                body: body, bodyCut: bodyCut, headers: headers, phaseReached: phase))
    }
}

private func transfer(_ context: UnsafeMutableRawPointer?) -> CurlTransfer {
    guard let context else { preconditionFailure("libcurl called back without the transfer's context") }
    return Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
}

private let curlWriteBody: vigil_curl_data_callback = { data, size, count, context in
    transfer(context).receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
}

private let curlWriteHeader: vigil_curl_data_callback = { data, size, count, context in
    transfer(context).receiveHeader(UnsafeRawBufferPointer(start: data, count: size * count))
}

private let curlReadBody: vigil_curl_data_callback = { data, size, count, context in
    transfer(context).sendBody(into: UnsafeMutableRawBufferPointer(start: data, count: size * count))
}

private let curlProgress: vigil_curl_progress_callback = { context, _, _, _, _ in
    transfer(context).shouldAbort ? 1 : 0
}
