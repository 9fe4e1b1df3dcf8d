/// Anything the lab starts and a test must stop, also when the test fails.
public protocol LabServer: Sendable {
    func stop() async
}

extension LabHTTPBackend: LabServer {}
extension LabWebhookReceiver: LabServer {}
extension LabLoadBalancer: LabServer {}
extension LabTLSEndpoint: LabServer {}
extension LabSSHServer: LabServer {}
extension LabStandby: LabServer {}
extension LabBlackhole: LabServer {}
extension LabSMTPServer: LabServer {}
extension LabEtcdCluster: LabServer {}

/// Runs `body` with a started server and stops the server afterwards, whether `body` returned or threw.
public func withLabServer<Server: LabServer, Result>(
    _ start: () async throws -> Server,
    _ body: (Server) async throws -> Result
) async throws -> Result {
    let server = try await start()
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}
