import CCurl

/// Checks a URL with libcurl's own parser, so that a URL it cannot use is a config error at load
/// and never a "backend failure" at run time.
public enum URLCheck {
    /// What is wrong with `text` as a URL of one of `schemes`, or nil when libcurl takes it:
    /// no control characters or spaces, one of the schemes, a host, a port from 1 to 65535.
    public static func problem(in text: String, schemes: [String] = ["http", "https"]) -> String? {
        if text.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) {
            return "a URL must not contain spaces or control characters"
        }
        guard schemes.contains(where: { text.hasPrefix("\($0)://") }) else {
            return "expected an " + schemes.map { "\($0)://" }.joined(separator: " or ") + " URL"
        }
        guard let handle = curl_url() else { return "libcurl could not make a URL handle (out of memory)" }
        defer { curl_url_cleanup(handle) }
        let code = curl_url_set(handle, CURLUPART_URL, text, 0)
        guard code == CURLUE_OK else { return "not a URL libcurl can use: \(String(cString: curl_url_strerror(code)))" }
        var host: UnsafeMutablePointer<CChar>?
        guard curl_url_get(handle, CURLUPART_HOST, &host, 0) == CURLUE_OK, let host else { return "the URL has no host" }
        defer { curl_free(host) }
        guard host.pointee != 0 else { return "the URL has no host" }
        var port: UnsafeMutablePointer<CChar>?
        if curl_url_get(handle, CURLUPART_PORT, &port, 0) == CURLUE_OK, let port {
            defer { curl_free(port) }
            guard let number = Int(String(cString: port)), (1...65_535).contains(number) else {
                return "the port must be 1 to 65535"
            }
        }
        return nil
    }
}
