import CCurl
import Foundation
import VigilCore

extension TransferResult {
    /// The transport failure this result stands for, or nil when an HTTP answer arrived.
    /// Codes are matched by libcurl's own names; the raw code and message are kept in `.other`.
    var transportFailure: ProbeFailure? {
        func matches(_ named: CURLcode) -> Bool { code == Int(named.rawValue) }
        if matches(CURLE_OK) { return nil }
        if matches(CURLE_WRITE_ERROR) && bodyCut { return .tooLarge(limit: body.count) }
        if matches(CURLE_OPERATION_TIMEDOUT) { return .timeout(phaseReached) }
        if matches(CURLE_COULDNT_CONNECT) {
            if osErrno == ECONNREFUSED { return .refused }
            if let fault = Self.localFault(osErrno) { return .local("\(fault): \(message)") }
            return .other(code: code, message: message)
        }
        // Failures of this process, not of the peer: never evidence against a backend.
        if [CURLE_OUT_OF_MEMORY, CURLE_FAILED_INIT, CURLE_URL_MALFORMAT, CURLE_BAD_FUNCTION_ARGUMENT].contains(where: matches) {
            return .local(message)
        }
        if matches(CURLE_COULDNT_RESOLVE_HOST) || matches(CURLE_COULDNT_RESOLVE_PROXY) { return .nameResolution(message) }
        let tlsCodes = [
            CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR,
            CURLE_SSL_CRL_BADFILE, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS,
            CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_SHUTDOWN_FAILED,
        ]
        if tlsCodes.contains(where: matches) { return .tls(message) }
        if matches(CURLE_WEIRD_SERVER_REPLY) || matches(CURLE_GOT_NOTHING)
            || (matches(CURLE_UNSUPPORTED_PROTOCOL) && message.contains("HTTP/0.9"))
        {
            return .invalidResponse(message)
        }
        return .other(code: code, message: message)
    }

    /// A local cause of a failed connect: libcurl's errno when it kept one, otherwise whether
    /// this process can open a socket at all right now (libcurl keeps no errno when socket()
    /// itself fails, as it does at the descriptor limit).
    static func localFault(_ osErrno: Int32) -> String? {
        let local: Set<Int32> = [EMFILE, ENFILE, ENOBUFS, ENOMEM]
        if local.contains(osErrno) { return String(cString: strerror(osErrno)) }
        guard osErrno == 0 else { return nil }
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard probe < 0 else {
            close(probe)
            return nil
        }
        let cause = errno
        return local.contains(cause) ? "cannot open a socket: \(String(cString: strerror(cause)))" : nil
    }
}
