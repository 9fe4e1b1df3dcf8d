import Foundation
import VigilCore
import VigilHTTP
import VigilNotify
import VigilUpstream
import Yams

extension AgentConfig {
    /// Reads and checks a config file. Every problem is an error with file, line, column and key
    /// path; nothing is defaulted silently but what the example config documents.
    public static func load(
        path: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        checkFiles: Bool = true, secrets: SecretScope = .all
    ) throws(ConfigError) -> AgentConfig {
        // The size is checked before the file is read: a 50 MB "config" is never loaded whole.
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw ConfigError(
                file: path, line: 1, column: 1, keyPath: "", message: "cannot read the config file: \(String(cString: strerror(errno)))")
        }
        guard status.st_size <= ConfigText.maximumBytes else {
            throw ConfigError(
                file: path, line: 1, column: 1, keyPath: "",
                message: "the file is \(status.st_size) bytes; a config is at most \(ConfigText.maximumBytes) bytes (1 MiB)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, line: 1, column: 1, keyPath: "", message: "cannot read the config file (no read permission?)")
        }
        return try parse(ConfigText.decode(data, file: path), file: path, environment: environment, checkFiles: checkFiles, secrets: secrets)
    }

    public static func parse(
        _ text: String, file: String, environment: [String: String] = [:],
        checkFiles: Bool = true, secrets: SecretScope = .all
    ) throws(ConfigError) -> AgentConfig {
        // A byte order mark is not YAML; aliases are held to a budget before any tree is built.
        let text = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        try YAMLBudget.check(text, file: file)
        let root: Node
        do {
            guard let composed = try Yams.compose(yaml: text) else {
                throw ConfigError(file: file, line: 1, column: 1, keyPath: "", message: "the file is empty")
            }
            root = composed
        } catch let error as ConfigError {
            throw error
        } catch let error as YamlError {
            throw Self.located(error, file: file)
        } catch {
            throw ConfigError(file: file, line: 1, column: 1, keyPath: "", message: "not YAML: \(error)")
        }
        let top = try ConfigNode(node: root, path: "", file: file)
            .mapping(allowed: [
                "state_dir", "ssh", "channels", "services", "control_socket", "shutdown_grace",
                "drift_check_interval", "status", "heartbeat", "maintenance", "organization", "cluster",
            ])

        var ssh = SSHDefaults()
        if let node = top["ssh"] {
            let keys = try node.mapping(allowed: [
                "user", "identity_file", "known_hosts", "connect_timeout", "command_timeout", "host_check_interval",
            ])
            if let value = keys["user"] { ssh.user = try value.name() }
            if let value = keys["identity_file"] { ssh.identityFile = try value.absolutePath() }
            if let value = keys["known_hosts"] { ssh.knownHosts = try value.absolutePath() }
            if let value = keys["connect_timeout"] { ssh.connectTimeout = try value.duration() }
            if let value = keys["command_timeout"] { ssh.commandTimeout = try value.duration() }
            if let value = keys["host_check_interval"] {
                ssh.hostCheckInterval = try optionalDuration(value)
                if let interval = ssh.hostCheckInterval, interval < .seconds(1) { throw value.error("at least 1s, or off") }
            }
        }

        // Every channel is checked; only those in scope have their secrets resolved and are kept.
        var channels: [NotificationChannel] = []
        var channelNames: Set<String> = []
        if let node = top["channels"] {
            for (name, entry) in try node.namedEntries(checked: true) {
                let resolved = try channel(name, entry, environment: environment, resolveSecrets: secrets.includes(name))
                channelNames.insert(name)
                if secrets.includes(name) { channels.append(resolved) }
            }
        }

        let servicesNode = try top.required("services")
        var services: [ServiceDefinition] = []
        for (name, entry) in try servicesNode.namedEntries(checked: true) {
            var service = try service(name, entry, channels: channelNames)
            service.core.hosts = service.sshHosts.map(\.name)
            service.core.hostCheckInterval = ssh.hostCheckInterval
            services.append(service)
        }
        guard !services.isEmpty else { throw servicesNode.error("at least one service is needed") }

        var config = AgentConfig(
            file: file, stateDirectory: try top["state_dir"]?.absolutePath() ?? "/var/lib/vigil", ssh: ssh,
            channels: channels, services: services)
        if let node = top["control_socket"] {
            let keys = try node.mapping(allowed: ["path", "group"])
            if let value = keys["path"] {
                config.controlSocket = try value.absolutePath()
                // sockaddr_un holds 108 bytes with the NUL: checked here, so a reload never fails on it.
                guard config.controlSocket.utf8.count < 108 else {
                    throw value.error("a Unix socket path is at most 107 bytes; this one is \(config.controlSocket.utf8.count)")
                }
            }
            if let value = keys["group"] {
                let group = try value.string()
                guard getgrnam(group) != nil else { throw value.error("no group named \(group) on this machine") }
                config.controlGroup = group
            }
        }
        if let node = top["status"] {
            let keys = try node.mapping(allowed: ["listen", "public_url", "public_listen"])
            if let value = keys["listen"] { config.statusListen = try listenAddress(value) }
            if let value = keys["public_listen"] { config.statusPublicListen = try listenAddress(value) }
            if let value = keys["public_url"] {
                config.statusPublicURL = try value.url()
                for index in config.channels.indices where config.channels[index].statusPageURL == nil {
                    config.channels[index].statusPageURL = config.statusPublicURL
                }
            }
        }
        if let value = top["shutdown_grace"] { config.shutdownGrace = try value.duration() }
        if let value = top["drift_check_interval"] {
            config.driftCheckInterval = try value.duration()
            guard config.driftCheckInterval >= .seconds(1) else { throw value.error("at least 1s") }
        }
        if let node = top["heartbeat"] {
            config.heartbeat = try heartbeat(node, environment: environment, resolve: secrets == .all)
        }
        if let value = top["organization"] { config.organization = try value.string() }
        if let node = top["maintenance"] {
            config.maintenance = try maintenanceWindows(node, services: Set(services.map(\.core.name)))
        }
        if let node = top["cluster"] {
            let cluster = try cluster(node, environment: environment, resolve: secrets == .all)
            config.cluster = cluster
            for index in config.services.indices {
                config.services[index].core.cluster = ClusterSettings(
                    agent: cluster.name, confirm: cluster.confirm,
                    // The others' checks judge on their own clocks: a round of fast checks apart at most.
                    confirmGrace: max(.seconds(2), config.services[index].core.detection.interval * 2))
            }
        }
        if checkFiles { try config.checkFiles(top: top) }
        return config
    }

    private static func cluster(_ node: ConfigNode, environment: [String: String], resolve: Bool) throws(ConfigError) -> ClusterConfig {
        let keys = try node.mapping(allowed: ["name", "etcd", "prefix", "lease_ttl", "safety_margin", "confirm"])
        let etcdNode = try keys.required("etcd")
        let etcd = try etcdNode.mapping(allowed: [
            "endpoints", "ca_file", "cert_file", "key_file", "user", "password", "password_file", "password_env",
        ])
        let endpointsNode = try etcd.required("endpoints")
        var endpoints: [String] = []
        for entry in try endpointsNode.scalarOrList() { endpoints.append(try entry.url()) }
        guard !endpoints.isEmpty else { throw endpointsNode.error("at least one etcd endpoint is needed") }
        var config = ClusterConfig(name: try keys.required("name").name(), endpoints: endpoints)
        if let value = etcd["ca_file"] { config.tls.caFile = try value.absolutePath() }
        if let value = etcd["cert_file"] { config.tls.clientCertificateFile = try value.absolutePath() }
        if let value = etcd["key_file"] { config.tls.clientKeyFile = try value.absolutePath() }
        if (config.tls.clientCertificateFile == nil) != (config.tls.clientKeyFile == nil) {
            throw etcdNode.error("give cert_file and key_file together")
        }
        if let value = etcd["user"] { config.user = try value.string() }
        config.password = try secret("password", in: etcd, environment: environment, required: false, resolve: resolve)
        if (config.user == nil) != (config.password == nil) {
            throw etcdNode.error("give user and password (or password_file, password_env) together")
        }
        if let value = keys["prefix"] {
            let prefix = try value.string()
            guard prefix.hasPrefix("/"), prefix.hasSuffix("/"), !prefix.unicodeScalars.contains(where: { $0.value < 0x21 }) else {
                throw value.error("expected a key prefix that starts and ends with / (such as /vigil/), without spaces")
            }
            config.prefix = prefix
        }
        if let value = keys["lease_ttl"] {
            config.leaseTTL = try value.duration()
            // etcd counts a lease in whole seconds.
            guard config.leaseTTL >= .seconds(2), config.leaseTTL.wholeMilliseconds % 1_000 == 0 else {
                throw value.error("a whole number of seconds, at least 2s")
            }
        }
        if let value = keys["safety_margin"] { config.safetyMargin = try value.duration() }
        if let problem = ClusterConfig.timingProblem(ttl: config.leaseTTL, margin: config.effectiveSafetyMargin) {
            throw (keys["safety_margin"] ?? keys["lease_ttl"] ?? node).error(problem)
        }
        if let value = keys["confirm"] { config.confirm = try value.int(min: 1, max: 100) }
        return config
    }

    private static func located(_ error: YamlError, file: String) -> ConfigError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return ConfigError(file: file, line: mark.line, column: mark.column, keyPath: "", message: "not valid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Named by key and place only: Yams's own text would quote the whole file, secrets and all.
            return ConfigError(
                file: file, line: context.mark.line, column: context.mark.column, keyPath: "",
                message: "a key given twice in one mapping: \(duplicates.joined(separator: ", "))")
        case .reader(let problem, let offset, _, _):
            return ConfigError(
                file: file, line: 1, column: 1, keyPath: "", message: "not readable as YAML: \(problem)" + (offset.map { " at byte \($0)" } ?? ""))
        case .no, .memory, .writer, .emitter, .representer, .dataCouldNotBeDecoded:
            return ConfigError(file: file, line: 1, column: 1, keyPath: "", message: "not valid YAML")
        }
    }

    /// A secret named by exactly one of `KEY`, `KEY_file`, `KEY_env`; without `resolve`, only
    /// that is checked and the secret is empty.
    private static func secret(
        _ key: String, in keys: ConfigMapping, environment: [String: String],
        required: Bool, resolve: Bool
    ) throws(ConfigError) -> Secret? {
        let candidates = [
            (key, SecretSource.value as (String) -> SecretSource), ("\(key)_file", SecretSource.file),
            ("\(key)_env", SecretSource.environment),
        ]
        let given = candidates.compactMap { name, make in keys[name].map { (name, make, $0) } }
        guard given.count <= 1 else {
            throw keys.owner.error("give only one of \(key), \(key)_file, \(key)_env")
        }
        guard let (_, make, node) = given.first else {
            if required { throw keys.owner.error("missing \(key) (or \(key)_file, \(key)_env)") }
            return nil
        }
        guard resolve else { return Secret("") }
        do {
            return try make(try node.string()).load(environment: environment)
        } catch let error as SecretSource.LoadError {
            throw node.error(error.description)
        } catch let error as ConfigError {
            throw error
        } catch {
            throw node.error("\(error)")
        }
    }

    private static func heartbeat(_ node: ConfigNode, environment: [String: String], resolve: Bool) throws(ConfigError) -> HeartbeatSettings {
        let keys = try node.mapping(allowed: ["url", "url_file", "url_env", "fail_url", "fail_url_file", "fail_url_env", "interval"])
        guard let url = try secret("url", in: keys, environment: environment, required: true, resolve: resolve) else {
            throw node.error("missing url")
        }
        // The problem is named, never the URL: it carries the monitor's token.
        if !url.exposed.isEmpty, let problem = URLCheck.problem(in: url.exposed) {
            throw (keys["url"] ?? keys["url_file"] ?? keys["url_env"] ?? node).error(problem)
        }
        let fail = try secret("fail_url", in: keys, environment: environment, required: false, resolve: resolve)
        if let fail, !fail.exposed.isEmpty, let problem = URLCheck.problem(in: fail.exposed) {
            throw (keys["fail_url"] ?? keys["fail_url_file"] ?? keys["fail_url_env"] ?? node).error(problem)
        }
        // The healthchecks.io convention: the fail signal is the ping URL with /fail appended.
        var settings = HeartbeatSettings(url: url, failURL: fail ?? Secret(url.exposed.isEmpty ? "" : url.exposed + "/fail"))
        if let value = keys["interval"] {
            settings.interval = try value.duration()
            guard settings.interval >= .seconds(1) else { throw value.error("at least 1s") }
        }
        return settings
    }

    /// Keys every channel takes, and those of one type only.
    private static let commonChannelKeys: Set<String> = [
        "type", "templates", "status_page_url", "alarm_after", "kinds", "min_severity", "ca_file", "audience",
    ]
    private static let channelKeys: [ChannelKind: Set<String>] = [
        .slack: ["url", "url_file", "url_env", "headers"],
        .discord: ["url", "url_file", "url_env", "headers"],
        .teams: ["url", "url_file", "url_env", "headers"],
        .webhook: ["url", "url_file", "url_env", "headers", "signing_secret", "signing_secret_file", "signing_secret_env"],
        .pagerduty: ["routing_key", "routing_key_file", "routing_key_env", "api_url"],
        .telegram: ["token", "token_file", "token_env", "chat_id", "api_url"],
        .email: [
            "url", "url_file", "url_env", "from", "to", "reply_to", "username", "password", "password_file", "password_env",
            "starttls",
        ],
    ]

    private static func channel(
        _ name: String, _ node: ConfigNode, environment: [String: String], resolveSecrets: Bool
    ) throws(ConfigError) -> NotificationChannel {
        let everyKey = channelKeys.values.reduce(commonChannelKeys) { $0.union($1) }
        let keys = try node.mapping(allowed: everyKey)
        let typeNode = try keys.required("type")
        guard let kind = ChannelKind(rawValue: try typeNode.string()) else {
            throw typeNode.error("unknown channel type (\(ChannelKind.names))")
        }
        let allowed = commonChannelKeys.union(channelKeys[kind] ?? [])
        if let (key, value) = keys.values.sorted(by: { $0.key < $1.key }).first(where: { !allowed.contains($0.key) }) {
            let owners = ChannelKind.allCases.filter { channelKeys[$0]?.contains(key) == true }.map(\.rawValue)
            throw value.error("\(key) is not a key of a \(kind.rawValue) channel (only of \(owners.joined(separator: ", ")))")
        }
        func secret(_ key: String, required: Bool) throws(ConfigError) -> Secret? {
            try Self.secret(key, in: keys, environment: environment, required: required, resolve: resolveSecrets)
        }
        func keyNode(_ key: String) -> ConfigNode { keys[key] ?? keys["\(key)_file"] ?? keys["\(key)_env"] ?? node }

        let url: Secret
        switch kind {
        case .slack, .discord, .teams, .webhook, .email:
            guard let given = try secret("url", required: true) else { throw node.error("missing url") }
            // The problem is named, never the URL: a webhook URL is a secret.
            let schemes = kind == .email ? ["smtp", "smtps"] : ["http", "https"]
            if !given.exposed.isEmpty, let problem = URLCheck.problem(in: given.exposed, schemes: schemes) {
                throw keyNode("url").error(problem)
            }
            url = given
        case .pagerduty:
            let api = try keys["api_url"]?.url() ?? "https://events.pagerduty.com"
            url = Secret((api.hasSuffix("/") ? String(api.dropLast()) : api) + "/v2/enqueue")
        case .telegram:
            let api = try keys["api_url"]?.url() ?? "https://api.telegram.org"
            guard let token = try secret("token", required: true) else { throw node.error("missing token") }
            // The token is a path segment: anything but its characters would change the URL.
            guard token.exposed.unicodeScalars.allSatisfy({ ConfigNode.isASCIIAlphanumeric($0) || ":_-".unicodeScalars.contains($0) })
            else {
                throw keyNode("token").error("a Telegram bot token is letters, digits, ':', '_' and '-' only")
            }
            url = Secret((api.hasSuffix("/") ? String(api.dropLast()) : api) + "/bot\(token.exposed)/sendMessage")
        }
        var headers: [(name: String, value: Secret)] = []
        if let headersNode = keys["headers"] {
            for (header, value) in try headersNode.namedEntries() {
                guard !header.isEmpty, header.unicodeScalars.allSatisfy({ ConfigNode.isASCIIAlphanumeric($0) || $0 == "-" })
                else {
                    throw value.error("a header name is letters, digits and - only")
                }
                let text = try value.string()
                guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                    throw value.error("a header value cannot hold control characters (a newline would start another header)")
                }
                headers.append((header, Secret(text)))
            }
        }
        var templates: [MessageKind: String] = [:]
        if let templatesNode = keys["templates"] {
            for (kindName, value) in try templatesNode.namedEntries() {
                guard let kind = MessageKind(rawValue: kindName) else { throw value.error("unknown message kind") }
                templates[kind] = try value.string()
            }
            do {
                _ = try MessageRenderer(overrides: templates)
            } catch {
                throw node.error("\(error)")
            }
        }
        var channel = NotificationChannel(
            name: name, kind: kind, url: url, headers: headers, signingSecret: try secret("signing_secret", required: false),
            templates: templates, statusPageURL: try keys["status_page_url"]?.url())
        if let value = keys["alarm_after"] {
            channel.alarmAfter = try value.duration()
            guard channel.alarmAfter >= .seconds(1) else { throw value.error("at least 1s") }
        }
        channel.filter = try messageFilter(keys)
        if let value = keys["audience"] {
            guard let audience = Audience(rawValue: try value.string()) else { throw value.error("internal or public") }
            // Their bodies carry causes, evidence and the timeline by design: never for the public.
            if audience == .public && (kind == .webhook || kind == .pagerduty) {
                throw value.error("a \(kind.rawValue) channel carries internal detail; public is for slack, discord, teams, telegram and email")
            }
            channel.audience = audience
        }
        if let value = keys["ca_file"] { channel.tls.caFile = try value.absolutePath() }
        switch kind {
        case .pagerduty:
            channel.routingKey = try secret("routing_key", required: true)
        case .telegram:
            let chat = try keys.required("chat_id")
            let id = try chat.string()
            guard !id.isEmpty, !id.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else {
                throw chat.error("a chat id is a number (-100… for a group or channel) or @channelname")
            }
            channel.chatID = id
        case .email:
            channel.mail = try mailSettings(keys, secret: secret)
        case .slack, .discord, .teams, .webhook:
            break
        }
        return channel
    }

    private static func mailSettings(
        _ keys: ConfigMapping, secret: (String, Bool) throws(ConfigError) -> Secret?
    ) throws(ConfigError) -> MailSettings {
        func address(_ node: ConfigNode, named: Bool) throws(ConfigError) -> String {
            let text = try node.string()
            let bare = MailSettings(from: text, to: []).senderAddress
            let problem =
                text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
                || bare.split(separator: "@", omittingEmptySubsequences: false).count != 2
                || bare.contains(where: { $0 == " " || $0 == "<" || $0 == ">" || $0 == "," })
                || (!named && bare != text)
            if problem {
                throw node.error(named ? "expected an address, or Name <address>" : "expected an address (name@example.com)")
            }
            return text
        }
        let toNode = try keys.required("to")
        let recipients = try toNode.scalarOrList().map { item throws(ConfigError) in try address(item, named: false) }
        guard !recipients.isEmpty else { throw toNode.error("at least one recipient") }
        var settings = MailSettings(from: try address(try keys.required("from"), named: true), to: recipients)
        settings.replyTo = try keys["reply_to"].map { node throws(ConfigError) in try address(node, named: true) }
        settings.username = try keys["username"]?.string()
        settings.password = try secret("password", false)
        if settings.password != nil && settings.username == nil { throw keys.owner.error("a password needs a username") }
        if let value = keys["starttls"] { settings.requireStartTLS = try value.bool() }
        return settings
    }

    /// `maintenance: [{start: "2026-12-08 02:00", duration: 2h, services: [shop], reason: ..., public_text: ...}]`.
    private static func maintenanceWindows(_ node: ConfigNode, services: Set<String>) throws(ConfigError) -> [MaintenanceWindow] {
        var windows: [MaintenanceWindow] = []
        for (index, item) in try node.list().enumerated() {
            let keys = try item.mapping(allowed: ["start", "duration", "services", "reason", "public_text"])
            let startNode = try keys.required("start")
            guard let start = MaintenanceWindow.parseStart(try startNode.string()) else {
                throw startNode.error("expected a time in UTC: 2026-12-08 02:00 or 2026-12-08T02:00Z (or with an offset)")
            }
            let durationNode = try keys.required("duration")
            let duration = try durationNode.duration()
            guard duration >= .seconds(60) else { throw durationNode.error("at least 1m") }
            let names = try keys["services"].map { value throws(ConfigError) in
                try value.scalarOrList().map { name throws(ConfigError) in
                    let service = try name.string()
                    guard services.contains(service) else { throw name.error("no service named \(service) under services") }
                    return service
                }
            }
            let reason = try keys.required("reason").string()
            windows.append(
                MaintenanceWindow(
                    id: "config-\(index + 1)", start: start, end: start.addingTimeInterval(duration.secondsValue), services: names ?? [],
                    reason: reason, publicText: try keys["public_text"]?.string()))
        }
        return windows
    }

    /// `escalate: [{after: 10m, to: [pager]}]`, in order of `after`.
    private static func escalation(_ node: ConfigNode, channels: Set<String>) throws(ConfigError) -> [EscalationStep] {
        var steps: [EscalationStep] = []
        for item in try node.list() {
            let keys = try item.mapping(allowed: ["after", "to"])
            let afterNode = try keys.required("after")
            let after = try afterNode.duration()
            guard after >= .seconds(1) else { throw afterNode.error("at least 1s") }
            if let last = steps.last, after <= last.after { throw afterNode.error("each step comes after the one before it") }
            let toNode = try keys.required("to")
            let names = try toNode.scalarOrList().map { name throws(ConfigError) in
                let channel = try name.string()
                guard channels.contains(channel) else { throw name.error("no channel named \(channel) under channels") }
                return channel
            }
            guard !names.isEmpty else { throw toNode.error("at least one channel") }
            steps.append(EscalationStep(after: after, channels: names))
        }
        return steps
    }

    /// `kinds:` and `min_severity:`, of a channel or of a service's use of one.
    private static func messageFilter(_ keys: ConfigMapping) throws(ConfigError) -> MessageFilter {
        var filter = MessageFilter()
        if let value = keys["kinds"] {
            var kinds: Set<MessageKind> = []
            for item in try value.list() {
                guard let kind = MessageKind(rawValue: try item.string()) else {
                    throw item.error("unknown message kind (the kinds are listed in docs/notifications.md)")
                }
                kinds.insert(kind)
            }
            filter.kinds = kinds
        }
        if let value = keys["min_severity"] {
            guard let severity = MessageSeverity(rawValue: try value.string()) else {
                throw value.error("expected \(MessageSeverity.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.minimumSeverity = severity
        }
        return filter
    }

    /// `off`, or HOST:PORT (an IPv6 host in brackets).
    private static func listenAddress(_ node: ConfigNode) throws(ConfigError) -> (host: String, port: Int)? {
        if try node.string() == "off" { return nil }
        let address = try node.address(ports: 0...65_535)
        return (address.host, address.port)
    }

    private static func host(_ node: ConfigNode) throws(ConfigError) -> HostReference {
        let text = try node.string()
        if text == "local" { return .local }
        // HOST alone means port 22; a bare IPv6 address needs its brackets.
        let address = NetworkAddress.parse(text) ?? (text.hasSuffix("]") || !text.contains(":") ? NetworkAddress.parse(text + ":22") : nil)
        guard let address else {
            throw node.error("expected local, HOST, HOST:PORT or [IPv6]:PORT with a host name or IP address and a port from 1 to 65535")
        }
        return .ssh(host: address.host, port: address.port)
    }

    private static func probe(_ node: ConfigNode) throws(ConfigError) -> HealthProbe {
        let keys = try node.mapping(allowed: [
            "url", "method", "expect_status", "body_contains", "json_field", "timeout",
            "connect_timeout", "max_body_bytes", "latency_ceiling", "ca_file", "insecure",
        ])
        let url = try keys.required("url").url()
        var probe = HealthProbe(url: url)
        if let value = keys["method"] {
            guard let method = HealthProbe.Method(rawValue: try value.string().uppercased()) else { throw value.error("GET or HEAD") }
            probe.method = method
        }
        if let value = keys["expect_status"] {
            probe.expectedStatuses = try value.list().map { item throws(ConfigError) in
                let code = try item.int(min: 100, max: 599)
                return code...code
            }
        }
        if let value = keys["body_contains"] { probe.body = .contains(try value.string()) }
        if let value = keys["json_field"] {
            let field = try value.mapping(allowed: ["path", "equals"])
            probe.body = .jsonField(path: try field.required("path").string(), equals: .string(try field.required("equals").string()))
        }
        if let value = keys["timeout"] { probe.timeout = try value.duration() }
        if let value = keys["connect_timeout"] { probe.connectTimeout = try value.duration() }
        if let value = keys["max_body_bytes"] { probe.maxBodyBytes = try value.int(min: 1) }
        if let value = keys["latency_ceiling"] { probe.latencyCeiling = try value.duration() }
        if let value = keys["ca_file"] { probe.tls.caFile = try value.string() }
        if let value = keys["insecure"] { probe.tls.verifyPeer = !(try value.bool()) }
        return probe
    }

    private static func backend(_ node: ConfigNode, standby: Bool) throws(ConfigError) -> (BackendDefinition, BackendSettings, StandbyMode) {
        var allowed: Set = ["address", "host", "start", "stop", "health"]
        if standby { allowed.formUnion(["mode", "watch_while_idle"]) }
        let keys = try node.mapping(allowed: allowed)
        let healthNode = try keys.required("health")
        let probes = try healthNode.list().map { item throws(ConfigError) in try probe(item) }
        guard !probes.isEmpty else { throw healthNode.error("at least one health check is needed") }
        let addressNode = try keys.required("address")
        _ = try addressNode.address()
        let definition = BackendDefinition(
            address: try addressNode.string(), host: try keys["host"].map { node throws(ConfigError) in try host(node) },
            start: try keys["start"]?.string(), stop: try keys["stop"]?.string(), probes: probes)
        var mode = StandbyMode.cold
        if let value = keys["mode"] {
            guard let parsed = StandbyMode(rawValue: try value.string()) else { throw value.error("cold or warm") }
            mode = parsed
        }
        if standby && mode == .cold && definition.start == nil { throw node.error("a cold standby needs a start command") }
        if (definition.start != nil || definition.stop != nil) && definition.host == nil {
            throw node.error("start and stop commands need a host (local or HOST[:PORT])")
        }
        let settings = BackendSettings(
            canStart: definition.start != nil, canStop: definition.stop != nil,
            watchedWhileIdle: try keys["watch_while_idle"]?.bool() ?? (mode == .warm || !standby))
        return (definition, settings, mode)
    }

    private static func service(_ name: String, _ node: ConfigNode, channels: Set<String>) throws(ConfigError) -> ServiceDefinition {
        let keys = try node.mapping(allowed: [
            "primary", "standby", "load_balancers", "detection", "runbook", "failback",
            "anti_flap", "notify", "hooks_host", "drills", "preflight_interval", "escalate", "display_name",
        ])
        let (primary, primarySettings, _) = try backend(try keys.required("primary"), standby: false)
        let standbyNode = try keys.required("standby")
        let (standby, standbySettings, mode) = try backend(standbyNode, standby: true)
        guard NetworkAddress.parse(standby.address) != NetworkAddress.parse(primary.address) else {
            throw standbyNode.error("address: the standby has the primary's address; a failover would move traffic nowhere")
        }
        let balancersNode = try keys.required("load_balancers")
        let balancerNodes = try balancersNode.list()
        var balancers: [LoadBalancerDefinition] = []
        for item in balancerNodes {
            let balancer = try loadBalancer(item, service: name)
            guard !balancers.contains(where: { $0.name == balancer.name }) else {
                throw item.error("a second load balancer named \(balancer.name); names must be unique in a service")
            }
            balancers.append(balancer)
        }
        guard !balancers.isEmpty else { throw balancersNode.error("at least one load balancer is needed") }

        var core = ServiceConfig(
            name: name, primary: primarySettings, standby: standbySettings, standbyMode: mode,
            loadBalancers: balancers.map(\.name))
        if let detectionNode = keys["detection"] {
            let detection = try detectionNode.mapping(allowed: [
                "interval", "fast_interval", "gate_poll_interval", "down_interval", "fall",
                "rise", "min_failure_duration", "require",
            ])
            if let value = detection["interval"] { core.detection.interval = try value.duration() }
            if let value = detection["fast_interval"] { core.detection.fastInterval = try value.duration() }
            if let value = detection["down_interval"] { core.detection.downInterval = try value.duration() }
            if let value = detection["gate_poll_interval"] { core.detection.gatePollInterval = try value.duration() }
            if let value = detection["fall"] { core.detection.fall = try value.int(min: 1) }
            if let value = detection["rise"] { core.detection.rise = try value.int(min: 1) }
            if let value = detection["min_failure_duration"] { core.detection.minFailureDuration = try value.duration(allowZero: true) }
            if let value = detection["require"] {
                let text = try value.string()
                if text != "all" {
                    let count = try value.int(min: 1)
                    guard count <= min(primary.probes.count, standby.probes.count) else {
                        throw value.error("more checks required than a backend has")
                    }
                    core.detection.combination = .atLeast(count)
                }
            }
        }
        var preHook: String?
        var postHook: String?
        if let runbookNode = keys["runbook"] {
            let runbook = try runbookNode.mapping(allowed: [
                "step_timeout", "start_timeout", "pre_hook", "post_hook", "fence",
                "retry_interval", "reminder_interval", "recovery_time_objective", "drain_time",
            ])
            if let value = runbook["step_timeout"] { core.runbook.stepTimeout = try value.duration() }
            if let value = runbook["start_timeout"] { core.runbook.startTimeout = try value.duration() }
            preHook = try runbook["pre_hook"]?.string()
            postHook = try runbook["post_hook"]?.string()
            core.runbook.preHook = preHook != nil
            core.runbook.postHook = postHook != nil
            if let value = runbook["fence"] { core.runbook.fenceOldActive = try value.bool() }
            if let value = runbook["retry_interval"] { core.runbook.retryInterval = try optionalDuration(value) }
            if let value = runbook["reminder_interval"] { core.runbook.reminderInterval = try optionalDuration(value) }
            if let value = runbook["recovery_time_objective"] { core.runbook.recoveryTimeObjective = try value.duration() }
            if let value = runbook["drain_time"] { core.runbook.drainTime = try value.duration(allowZero: true) }
        }
        if let failbackNode = keys["failback"] {
            let failback = try failbackNode.mapping(allowed: ["policy", "after"])
            let after = try failback["after"]?.duration(allowZero: true) ?? FailbackPolicy.defaultDelay
            if let policy = failback["policy"] {
                switch try policy.string() {
                case "manual": core.failback = .manual(after: after)
                case "automatic": core.failback = .automatic(after: after)
                case "never": core.failback = .never
                default: throw policy.error("manual, automatic or never")
                }
            } else {
                core.failback = FailbackPolicy.default.delayed(after)
            }
        }
        if let antiFlapNode = keys["anti_flap"] {
            let antiFlap = try antiFlapNode.mapping(allowed: ["cooldown", "budget", "window"])
            if let value = antiFlap["cooldown"] { core.antiFlap.cooldown = try value.duration(allowZero: true) }
            if let value = antiFlap["budget"] { core.antiFlap.budget = try value.int(min: 1) }
            if let value = antiFlap["window"] { core.antiFlap.window = try value.duration() }
        }
        var notify: [NotifyRoute] = []
        if let notifyNode = keys["notify"] {
            for item in try notifyNode.list() {
                // A channel's name, or {channel: NAME, kinds: [...], min_severity: S}.
                let route: NotifyRoute
                let nameNode: ConfigNode
                if item.isMapping {
                    let entry = try item.mapping(allowed: ["channel", "kinds", "min_severity"])
                    nameNode = try entry.required("channel")
                    route = NotifyRoute(channel: try nameNode.string(), filter: try messageFilter(entry))
                } else {
                    nameNode = item
                    route = NotifyRoute(channel: try item.string())
                }
                guard channels.contains(route.channel) else { throw nameNode.error("no channel named \(route.channel) under channels") }
                guard !notify.contains(where: { $0.channel == route.channel }) else { throw nameNode.error("\(route.channel) is listed twice") }
                notify.append(route)
            }
        }
        var definition = ServiceDefinition(
            core: core, primary: primary, standby: standby, loadBalancers: balancers, preHook: preHook,
            postHook: postHook, hookHost: try keys["hooks_host"].map { node throws(ConfigError) in try host(node) } ?? .local,
            notify: notify)
        definition.drills = try keys["drills"].map { node throws(ConfigError) in try drills(node) } ?? []
        if let value = keys["escalate"] { definition.core.escalation = try escalation(value, channels: channels) }
        if let value = keys["display_name"] {
            let name = try value.string()
            guard !name.isEmpty, !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                throw value.error("a display name is one line of text")
            }
            definition.displayName = name
        }
        if let value = keys["preflight_interval"] {
            definition.core.preflightInterval = try optionalDuration(value)
            if let interval = definition.core.preflightInterval, interval < .seconds(10) { throw value.error("at least 10s, or off") }
        }
        return definition
    }

    /// `drills:`, a list of `{weekly: "Tue 03:00" | monthly: "1st Tue 03:00", hold: 5m, reason: ...}`.
    private static func drills(_ node: ConfigNode) throws(ConfigError) -> [DrillSchedule] {
        var schedules: [DrillSchedule] = []
        for item in try node.list() {
            let keys = try item.mapping(allowed: ["weekly", "monthly", "hold", "reason"])
            let hold = try keys["hold"]?.duration() ?? .seconds(300)
            let reason = try keys["reason"]?.string() ?? "scheduled drill"
            let when: (node: ConfigNode, monthly: Bool)
            switch (keys["weekly"], keys["monthly"]) {
            case (let weekly?, nil): when = (weekly, false)
            case (nil, let monthly?): when = (monthly, true)
            case (.some, .some): throw item.error("give weekly or monthly, not both")
            case (nil, nil): throw item.error("missing weekly (\"Tue 03:00\") or monthly (\"1st Tue 03:00\")")
            }
            switch DrillSchedule.parse(try when.node.string(), monthly: when.monthly, hold: hold, reason: reason) {
            case .success(let schedule): schedules.append(schedule)
            case .failure(let problem): throw when.node.error(problem.message)
            }
        }
        return schedules
    }

    private static func optionalDuration(_ node: ConfigNode) throws(ConfigError) -> Duration? {
        try node.string() == "off" ? nil : try node.duration()
    }

    private static func loadBalancer(_ node: ConfigNode, service: String) throws(ConfigError) -> LoadBalancerDefinition {
        let keys = try node.mapping(allowed: [
            "name", "host", "upstream_file", "upstream_name", "test_command", "reload_command",
            "verify_url", "template",
        ])
        return LoadBalancerDefinition(
            name: try keys.required("name").name(), host: try host(try keys.required("host")),
            upstreamFile: try keys.required("upstream_file").absolutePath(),
            upstreamName: try keys["upstream_name"]?.name() ?? service,
            testCommand: try keys["test_command"]?.string() ?? LoadBalancerTarget.defaultTestCommand,
            reloadCommand: try keys["reload_command"]?.string() ?? LoadBalancerTarget.defaultReloadCommand,
            verifyURL: try keys["verify_url"]?.url(), template: try keys["template"]?.string())
    }

    /// Files the config names must exist (and private keys be private) before the agent starts.
    private func checkFiles(top: ConfigMapping) throws(ConfigError) {
        let usesSSH = services.contains { service in
            ([service.primary.host, service.standby.host, service.hookHost] + service.loadBalancers.map(\.host))
                .contains { if case .ssh = $0 { true } else { false } }
        }
        if usesSSH {
            let sshNode = top["ssh"] ?? top.owner
            for (key, path) in [("identity_file", ssh.identityFile), ("known_hosts", ssh.knownHosts)] {
                guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
                    throw sshNode.error("\(key) \(path) does not exist")
                }
                if key == "identity_file", let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
                    throw sshNode.error("\(key) \(path) can be read by other users; run `chmod 600 \(path)`")
                }
            }
        }
        for service in services {
            for balancer in service.loadBalancers {
                if let template = balancer.template, !FileManager.default.fileExists(atPath: template) {
                    throw top.owner.error("the template \(template) of \(service.core.name)/\(balancer.name) does not exist")
                }
            }
        }
    }
}
