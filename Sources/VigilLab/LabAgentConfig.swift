/// A `vigil.yaml` for one service in the lab: the primary and cold standby behind the lab's nginx,
/// the standby started through the lab's sshd (or locally), messages to the webhook receiver.
public struct LabAgentConfig: Sendable {
    public var primary: LabHTTPBackend
    public var standby: LabStandby
    public var balancer: LabLoadBalancer
    public var receiver: LabWebhookReceiver
    /// The standby's host and the load balancer's, when set (log in as root: nginx is root's);
    /// `local` otherwise.
    public var sshd: LabSSHServer?
    public var stateDirectory: String
    /// The agent's status listener on 127.0.0.1, or off.
    public var statusPort: Int?

    public init(
        primary: LabHTTPBackend, standby: LabStandby, balancer: LabLoadBalancer, receiver: LabWebhookReceiver,
        sshd: LabSSHServer? = nil, stateDirectory: String, statusPort: Int? = nil
    ) {
        self.statusPort = statusPort
        self.primary = primary
        self.standby = standby
        self.balancer = balancer
        self.receiver = receiver
        self.sshd = sshd
        self.stateDirectory = stateDirectory
    }

    public var yaml: String {
        let nginx = "\(LabNginx.binary) -c \(balancer.nginx.configPath) -p \(balancer.nginx.folder.path)"
        let sshSection =
            sshd.map { sshd in
                """
                ssh:
                  user: \(sshd.user)
                  identity_file: \(sshd.clientKey)
                  known_hosts: \(sshd.knownHosts)

                """
            } ?? ""
        let remoteHost = sshd.map { "127.0.0.1:\($0.port)" } ?? "local"
        return sshSection + """
            state_dir: \(stateDirectory)
            status:
              listen: \(statusPort.map { "127.0.0.1:\($0)" } ?? "off")
            control_socket:
              path: \(stateDirectory)/vigil.sock
            channels:
              hooks:
                type: webhook
                url: \(receiver.url(path: "/vigil"))
            services:
              shop:
                primary:
                  address: 127.0.0.1:\(primary.port)
                  health:
                    - url: \(primary.healthURL)
                      timeout: 500ms
                standby:
                  address: \(standby.address)
                  host: \(remoteHost)
                  start: \(standby.startScript)
                  stop: \(standby.stopScript)
                  health:
                    - url: \(standby.healthURL)
                      timeout: 500ms
                load_balancers:
                  - name: lb1
                    host: \(remoteHost)
                    upstream_file: \(balancer.upstreamFile)
                    upstream_name: \(balancer.upstreamName)
                    test_command: \(nginx) -t
                    reload_command: \(nginx) -s reload
                    verify_url: \(balancer.url)/
                notify: [hooks]

            """
    }
}
