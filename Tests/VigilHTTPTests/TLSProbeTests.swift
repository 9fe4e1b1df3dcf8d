import Testing
import VigilCore
import VigilHTTP
import VigilLab

/// TLS peers are verified by default; every kind of bad certificate is a `.tls` failure.
@Suite struct TLSProbeTests {
    let engine = HTTPEngine.shared

    private func expectTLSFailure(_ outcome: ProbeOutcome, _ comment: Comment) {
        guard case .failed(.tls) = outcome else {
            Issue.record("expected a TLS failure, got \(outcome): \(comment)")
            return
        }
    }

    @Test func certificatesAreVerifiedAgainstTheGivenCA() async throws {
        try await withLabServer({ try await LabTLSEndpoint.start() }) { lab in
            let trusted = TLSOptions(caFile: lab.certificates.caCertificate)
            #expect(await engine.probe(HealthProbe(url: lab.url(port: lab.goodPort), tls: trusted)).isHealthy)
            expectTLSFailure(
                await engine.probe(HealthProbe(url: lab.url(port: lab.goodPort))),
                "the lab CA is not in the system's store")
            expectTLSFailure(await engine.probe(HealthProbe(url: lab.url(port: lab.selfSignedPort), tls: trusted)), "self-signed")
            expectTLSFailure(await engine.probe(HealthProbe(url: lab.url(port: lab.expiredPort), tls: trusted)), "expired")
            expectTLSFailure(await engine.probe(HealthProbe(url: lab.url(port: lab.wrongNamePort), tls: trusted)), "wrong name")
        }
    }

    @Test func verificationCanBeTurnedOffExplicitly() async throws {
        try await withLabServer({ try await LabTLSEndpoint.start() }) { lab in
            let probe = HealthProbe(url: lab.url(port: lab.selfSignedPort), tls: TLSOptions(verifyPeer: false))
            #expect(await engine.probe(probe).isHealthy)
        }
    }

    @Test func aClientCertificateIsPresentedWhenConfigured() async throws {
        try await withLabServer({ try await LabTLSEndpoint.start() }) { lab in
            let url = lab.url(port: lab.clientCertificatePort)
            let anonymous = TLSOptions(caFile: lab.certificates.caCertificate)
            #expect(
                await engine.probe(HealthProbe(url: url, tls: anonymous)) == .failed(.status(400)),
                "nginx answers 400 when the required client certificate is missing")
            let identified = TLSOptions(
                caFile: lab.certificates.caCertificate,
                clientCertificateFile: lab.certificates.client.certificate,
                clientKeyFile: lab.certificates.client.key)
            #expect(await engine.probe(HealthProbe(url: url, tls: identified)).isHealthy)
        }
    }
}

extension TLSProbeTests {
    /// A channel's endpoint is proved reachable by a connection and a verified TLS handshake,
    /// with no request sent (the preflight): a bad certificate or a closed port is named.
    @Test func connectingOnlyVerifiesThePeerAndSendsNothing() async throws {
        try await withLabServer({ try await LabTLSEndpoint.start() }) { lab in
            let trusted = TLSOptions(caFile: lab.certificates.caCertificate)
            #expect(await engine.connect(url: lab.url(port: lab.goodPort) + "/secret-path", tls: trusted) == nil)
            let selfSigned = await engine.connect(url: lab.url(port: lab.selfSignedPort) + "/secret-path", tls: trusted)
            guard case .tls? = selfSigned?.failure else {
                Issue.record("expected a TLS failure, got \(String(describing: selfSigned))")
                return
            }
            #expect(!"\(selfSigned.map { "\($0)" } ?? "")".contains("secret-path"), "the URL is never in the error")
        }
        // A free port nobody listens on (picked, then closed).
        let refused = await engine.connect(url: "http://127.0.0.1:\(try FreePort.pick())/")
        #expect(refused?.failure == .refused, "\(String(describing: refused))")
    }
}
