import CCurl
import Foundation
import Testing
import VigilCore

@testable import VigilHTTP

/// The mapping from libcurl's codes to named failures, for the cases a loopback test cannot
/// produce without sending a DNS query or breaking the machine.
@Suite struct TransferMappingTests {
    private func result(code: CURLcode, message: String = "m", errno: Int32 = 0) -> TransferResult {
        TransferResult(
            code: Int(code.rawValue), message: message, osErrno: errno, status: 0, timings: ProbeTimings(),
            body: [], bodyCut: false, headers: [], phaseReached: .connect)
    }

    @Test func nameResolutionFailuresHaveTheirOwnValue() {
        #expect(
            result(code: CURLE_COULDNT_RESOLVE_HOST, message: "Could not resolve host: shop.invalid").transportFailure
                == .nameResolution("Could not resolve host: shop.invalid"))
    }

    @Test func aConnectFailureOtherThanRefusalKeepsTheCodeAndMessage() {
        #expect(
            result(code: CURLE_COULDNT_CONNECT, message: "no route", errno: EHOSTUNREACH).transportFailure
                == .other(code: 7, message: "no route"))
        #expect(result(code: CURLE_COULDNT_CONNECT, errno: ECONNREFUSED).transportFailure == .refused)
    }

    @Test func anHTTP09AnswerIsAnInvalidResponseButAnUnknownSchemeIsNot() {
        #expect(
            result(code: CURLE_UNSUPPORTED_PROTOCOL, message: "Received HTTP/0.9 when not allowed").transportFailure
                == .invalidResponse("Received HTTP/0.9 when not allowed"))
        #expect(
            result(code: CURLE_UNSUPPORTED_PROTOCOL, message: "Protocol \"ftp\" not supported").transportFailure
                == .other(code: 1, message: "Protocol \"ftp\" not supported"))
    }

    @Test func secretURLsAreRedactedFromMessages() {
        let url = "https://hooks.example/services/T0/B0/secret"
        let failure = ProbeFailure.other(code: 3, message: "bad URL \(url) and /services/T0/B0/secret").redacting(url)
        #expect(failure == .other(code: 3, message: "bad URL <redacted> and <redacted>"))
        #expect(HTTPEngine.peer(of: url) == "hooks.example:443")
        #expect(HTTPEngine.peer(of: "http://[::1]:8080/x") == "[::1]:8080")
    }

    @Test func retryAfterAcceptsSecondsAndHTTPDates() {
        #expect(RetryAfter.parse("2") == .seconds(2))
        #expect(RetryAfter.parse(" 120 ") == .seconds(120))
        #expect(RetryAfter.parse("-1") == nil)
        #expect(RetryAfter.parse("soon") == nil)
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        #expect(RetryAfter.parse("Wed, 21 Oct 2015 07:28:30 GMT", now: now) == .seconds(30))
        #expect(RetryAfter.parse("Wed, 21 Oct 2015 07:27:00 GMT", now: now) == .zero)
    }

    /// HTTP dates are read by hand: found by fuzzing, Foundation's DateFormatter leaked on odd
    /// input (the input is kept in Tests/FuzzCorpus/retry-after/leak-dateformatter).
    @Test func httpDatesAreReadByHandAndOddInputIsRefused() throws {
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        #expect(RetryAfter.parse("  Wed, 21 Oct 2015 07:28:30 GMT\t", now: now) == .seconds(30))
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == Date(timeIntervalSince1970: 784_111_777))
        #expect(HTTPDate.parse("Thu, 29 Feb 2024 00:00:00 GMT") == Date(timeIntervalSince1970: 1_709_164_800))
        for odd in [
            "Fri, 29 Feb 2023 00:00:00 GMT", "Wed, 21 Oct 2015 24:00:00 GMT", "Wed, 21 Oct 2015 07:28:30 UTC", "Wed,21 Oct 2015 07:28:30 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT", "Wed, 1 Oct 2015 07:28:30 GMT", "",
        ] {
            #expect(HTTPDate.parse(odd) == nil, "\(odd)")
        }
        let found = FileManager.default.contents(
            atPath: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("FuzzCorpus/retry-after/leak-dateformatter").path)
        let input = try #require(found)
        #expect(RetryAfter.parse(String(decoding: input, as: UTF8.self), now: now) == nil)
    }

    /// A URL libcurl cannot parse is this agent's fault, not the backend's: `.local`, which the
    /// core never counts as a failed check (the config check refuses such URLs before).
    @Test func anInvalidURLIsANamedLocalFaultNotACrash() async {
        let outcome = await HTTPEngine.shared.probe(HealthProbe(url: "http://127.0.0.1:notaport/health"))
        guard case .failed(.local(let message)) = outcome else {
            Issue.record("expected local(_:), got \(outcome)")
            return
        }
        #expect(!message.isEmpty)
    }
}
