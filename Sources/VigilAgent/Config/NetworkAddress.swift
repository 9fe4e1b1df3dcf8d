import Foundation

/// `HOST:PORT` or `[IPv6]:PORT` as the config writes an address, checked: a host name made of
/// DNS labels, an IPv4 address or a bracketed IPv6 address, and a port in range. Nothing else
/// reaches an nginx file or a socket call.
struct NetworkAddress: Equatable {
    var host: String
    var port: Int

    /// `ports` is the range allowed (a listener may take 0: any free port).
    static func parse(_ text: String, ports: ClosedRange<Int> = 1...65_535) -> NetworkAddress? {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            guard isIPv6(String(host)) else { return nil }
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            guard isHostName(host) else { return nil }
            portText = text[text.index(after: colon)...]
        }
        guard portText.allSatisfy(\.isASCII), let port = Int(portText), ports.contains(port) else { return nil }
        return NetworkAddress(host: String(host), port: port)
    }

    /// A DNS name (labels of letters, digits and inner hyphens, at most 253 characters) or a
    /// dotted IPv4 address.
    static func isHostName<S: StringProtocol>(_ text: S) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy { ConfigNode.isASCIIAlphanumeric($0) || $0 == "-" }
        }
    }

    static func isIPv6(_ text: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1
    }
}
