import Foundation
import VigilHosts

/// nginx on loopback, in a folder of its own: pid, logs and every temp path inside it. It runs in
/// the foreground (`daemon off`), so the lab knows its master's PID and ends exactly that process.
public final class LabNginx: Sendable {
    public static let binary = "/usr/sbin/nginx"
    static let setpriv = "/usr/bin/setpriv"

    public let folder: LabFolder
    public let configPath: String
    private let process: LabProcess

    private init(folder: LabFolder, configPath: String, process: LabProcess) {
        self.folder = folder
        self.configPath = configPath
        self.process = process
    }

    public var pid: Int32 { process.pid }

    /// Starts nginx with `httpBlock` inside `http { }`. `ports` are the ports it listens on; the
    /// call returns once all of them accept connections. With `owner`, the folder is given to that
    /// user and nginx runs as it (through setpriv), so the user can test and reload it over SSH.
    public static func start(
        folder created: LabFolder, httpBlock: String, ports: [Int],
        owner: (name: String, uid: uid_t, gid: gid_t)? = nil
    ) async throws -> LabNginx {
        try LabProcess.require(binary, package: "nginx")
        var folder = created
        let runAsRoot = geteuid() == 0 && owner == nil ? "user root;" : ""
        let configPath = folder.file("nginx.conf")
        try folder.write(
            "nginx.conf",
            """
            # Written by Vigil's lab; everything lives in \(folder.path).
            \(runAsRoot)
            worker_processes 1;
            daemon off;
            pid \(folder.file("nginx.pid"));
            error_log \(folder.file("error.log")) info;
            events { worker_connections 1024; }
            http {
                access_log \(folder.file("access.log"));
                client_body_temp_path \(folder.file("client_body"));
                proxy_temp_path \(folder.file("proxy"));
                fastcgi_temp_path \(folder.file("fastcgi"));
                uwsgi_temp_path \(folder.file("uwsgi"));
                scgi_temp_path \(folder.file("scgi"));
            \(httpBlock)
            }
            """)
        var command = [binary, "-e", folder.file("error.log"), "-c", configPath, "-p", folder.path]
        if let owner {
            try LabProcess.require(setpriv, package: "util-linux")
            folder.give(to: owner.uid, owner.gid)
            command = [setpriv, "--reuid=\(owner.uid)", "--regid=\(owner.gid)", "--clear-groups"] + command
        }
        let process = try LabProcess.launch(command[0], Array(command.dropFirst()), name: "nginx", log: folder.file("stderr.log"))
        let nginx = LabNginx(folder: folder, configPath: configPath, process: process)
        do {
            try await LabWait.until("nginx to listen on \(ports)") {
                guard process.isRunning else {
                    throw LabError.notReady("nginx", log: folder.read("stderr.log") + folder.read("error.log"))
                }
                // nginx writes its pid file after binding every port; a listener alone could be
                // another test's server that won the race for the port.
                return folder.read("nginx.pid").trimmingCharacters(in: .whitespacesAndNewlines) == String(process.pid)
                    && ports.allSatisfy(FreePort.isListening)
            }
        } catch {
            nginx.stop()
            throw error
        }
        return nginx
    }

    /// The nginx command line for this lab's nginx, to which `-t` or `-s reload` is added.
    public var commandLine: String {
        [Self.binary, "-e", folder.file("error.log"), "-c", configPath, "-p", folder.path].map(shellQuote).joined(separator: " ")
    }

    /// `nginx -t` on the lab's config; the status and nginx's own words.
    public func test() async throws -> (status: Int32, output: String) {
        try await LabProcess.run(Self.binary, ["-t", "-c", configPath, "-p", folder.path], check: false)
    }

    public func reload() async throws {
        try await LabProcess.run(Self.binary, ["-s", "reload", "-c", configPath, "-p", folder.path])
    }

    public func stop() {
        process.terminate()
        folder.remove()
    }
}
