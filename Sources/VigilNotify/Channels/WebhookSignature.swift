import Crypto
import Foundation

/// `X-Vigil-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. A receiver
/// recomputes the HMAC with the shared secret, compares in constant time, and rejects a
/// timestamp outside its tolerance (a replay). See docs/webhooks.md.
public enum WebhookSignature {
    public static let header = "X-Vigil-Signature"

    public static func sign(_ body: [UInt8], secret: Secret, timestamp: Int) -> String {
        "t=\(timestamp),v1=\(hexHMAC(body, secret: secret, timestamp: timestamp))"
    }

    /// The documented check, as a receiver would write it.
    public static func verify(_ headerValue: String, body: [UInt8], secret: Secret, now: Int, tolerance: Int = 300) -> Bool {
        var timestamp: Int?
        var signatures: [String] = []
        for part in headerValue.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int(pair[1]) }
            if pair[0] == "v1" { signatures.append(pair[1]) }
        }
        guard let timestamp, abs(now - timestamp) <= tolerance else { return false }
        let expected = Array(hexHMAC(body, secret: secret, timestamp: timestamp).utf8)
        return signatures.contains { candidate in
            let bytes = Array(candidate.utf8)
            guard bytes.count == expected.count else { return false }
            return zip(bytes, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
        }
    }

    private static func hexHMAC(_ body: [UInt8], secret: Secret, timestamp: Int) -> String {
        var signed = Array("\(timestamp).".utf8)
        signed += body
        let code = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Array(secret.exposed.utf8)))
        return code.map { String(format: "%02x", $0) }.joined()
    }
}
