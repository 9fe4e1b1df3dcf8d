import VigilHosts

/// One load balancer as the switch reaches it: a host (SSH or local), its upstream file and the
/// commands that test and reload nginx.
public struct LoadBalancerTarget: Sendable {
    /// What tests and reloads nginx when the config names no other command.
    public static let defaultTestCommand = "nginx -t"
    public static let defaultReloadCommand = "nginx -s reload"

    public var name: String
    public var host: any Host
    public var upstreamFile: String
    /// The last good file, kept beside the upstream; the snapshot records this path.
    public var backupFile: String
    public var testCommand: String
    public var reloadCommand: String
    public var commandTimeout: Duration
    /// In a cluster, the writer's epoch: a file that carries a higher one (a newer leader's) is
    /// never replaced. nil alone.
    public var epoch: Int64?

    public init(
        name: String, host: any Host, upstreamFile: String, backupFile: String? = nil,
        testCommand: String = LoadBalancerTarget.defaultTestCommand, reloadCommand: String = LoadBalancerTarget.defaultReloadCommand,
        commandTimeout: Duration = .seconds(30), epoch: Int64? = nil
    ) {
        self.epoch = epoch
        self.name = name
        self.host = host
        self.upstreamFile = upstreamFile
        self.backupFile = backupFile ?? upstreamFile + ".vigil-backup"
        self.testCommand = testCommand
        self.reloadCommand = reloadCommand
        self.commandTimeout = commandTimeout
    }
}
