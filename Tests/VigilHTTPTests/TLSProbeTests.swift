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
