/// A `vigil.yaml` for one service in the lab: the primary and cold standby behind the lab's nginx
/// (one or more), the standby started through the lab's sshd (or locally), messages to the
/// webhook receiver.
public struct LabAgentConfig: Sendable {
    public var primary: LabHTTPBackend
    public var standby: LabStandby
    /// The load balancers, named lb1, lb2, … in order.
    public var balancers: [LabLoadBalancer]
    public var receiver: LabWebhookReceiver
    /// The standby's host and the load balancers', when set (log in as root: nginx is root's);
    /// `local` otherwise.
    public var sshd: LabSSHServer?
    public var stateDirectory: String
    /// The agent's status listener on 127.0.0.1, or off.
    public var statusPort: Int?
    /// Where on the receiver the messages go.
    public var webhookPath = "/vigil"
    /// Top-level sections put before `services:` (a `cluster:`), each line ending in a newline.
    public var sections = ""
    /// A load balancer's own test command, by index (nginx -t otherwise).
    public var testCommands: [Int: String] = [:]
    /// Lines added to the service, indented as its keys are.
    public var serviceLines = ""

    public init(
        primary: LabHTTPBackend, standby: LabStandby, balancer: LabLoadBalancer, receiver: LabWebhookReceiver,
        sshd: LabSSHServer? = nil, stateDirectory: String, statusPort: Int? = nil
    ) {
        self.statusPort = statusPort
        self.primary = primary
        self.standby = standby
        balancers = [balancer]
        self.receiver = receiver
        self.sshd = sshd
        self.stateDirectory = stateDirectory
    }

    /// The command line of `balancer`'s nginx (add `-t` or `-s reload`).
    public static func nginx(_ balancer: LabLoadBalancer) -> String {
        "\(LabNginx.binary) -c \(balancer.nginx.configPath) -p \(balancer.nginx.folder.path)"
    }

    public var yaml: String {
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
        let balancerEntries = balancers.enumerated().map { index, balancer in
            """
                  - name: lb\(index + 1)
                    host: \(remoteHost)
                    upstream_file: \(balancer.upstreamFile)
                    upstream_name: \(balancer.upstreamName)
                    test_command: \(testCommands[index] ?? "\(Self.nginx(balancer)) -t")
                    reload_command: \(Self.nginx(balancer)) -s reload
                    verify_url: \(balancer.url)/

            """
        }.joined()
        return sshSection + """
            state_dir: \(stateDirectory)
            status:
              listen: \(statusPort.map { "127.0.0.1:\($0)" } ?? "off")
            control_socket:
              path: \(stateDirectory)/vigil.sock
            channels:
              hooks:
                type: webhook
                url: \(receiver.url(path: webhookPath))
            \(sections)services:
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
            \(balancerEntries)\(serviceLines)    notify: [hooks]

            """
    }
}
