import VigilHosts

extension AgentConfig.SSHDefaults {
    /// How Vigil reaches `host:port` with these defaults: the one place the pool, the connect
    /// check and the preflight take their SSH settings from.
    func target(host: String, port: Int) -> SSHTarget {
        SSHTarget(
            host: host, port: port, user: user, identityFile: identityFile, knownHostsFile: knownHosts,
            connectTimeout: connectTimeout, operationTimeout: commandTimeout)
    }
}
