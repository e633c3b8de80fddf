import PromptGate

/// Where the proxy listens and how much it accepts.
public struct ServerConfiguration: Sendable {
    /// The address to listen on. Loopback by default: other machines cannot reach the proxy unless told so.
    public var host: String
    /// The port; 0 picks a free one (tests).
    public var port: Int
    /// The largest request body read; larger ones get 413.
    public var maxRequestBytes: Int
    /// How long a client may take to send a whole request, and how long a connection may sit idle between
    /// requests. A client that dribbles its headers is disconnected; one that dribbles its body gets 408. Answers
    /// (streams included) are not limited by it.
    public var clientTimeout: Duration
    /// Serve the audit log read-only as a C2SP tlog-tiles tree at `/log/checkpoint` and `/log/tile/…` (no key
    /// needed; it holds what the entries hold, redacted). On by default.
    public var publishLog = true

    // The defaults, each stated once: the initializer, the configuration reader and `promptgate serve --help` use
    // these. The request size limit is the gate's (`GateConfiguration.defaultMaxRequestBytes`): both enforce it.
    public static let defaultHost = "127.0.0.1"
    public static let defaultPort = 8787
    public static let defaultClientTimeout: Duration = .seconds(30)
    /// `127.0.0.1:8787`, as `listen` is written.
    public static var defaultListen: String { "\(defaultHost):\(defaultPort)" }

    public init(
        host: String = defaultHost, port: Int = defaultPort,
        maxRequestBytes: Int = GateConfiguration.defaultMaxRequestBytes,
        clientTimeout: Duration = defaultClientTimeout
    ) {
        self.host = host
        self.port = port
        self.maxRequestBytes = maxRequestBytes
        self.clientTimeout = clientTimeout
    }

    /// The server's settings: `listen`, `max_request_bytes`, `client_timeout` (at least a second) and
    /// `publish_log`.
    public init(settings: ProxySettings) throws(ConfigurationError) {
        var host = Self.defaultHost
        var port = Self.defaultPort
        if let listen = settings.value("listen") {
            guard let (parsedHost, parsedPort) = Self.parseListen(listen.text) else {
                throw listen.error("listen", "expected HOST:PORT, e.g. \(Self.defaultListen)")
            }
            (host, port) = (parsedHost, parsedPort)
        }
        self.init(
            host: host, port: port,
            maxRequestBytes: try settings.int("max_request_bytes") ?? GateConfiguration.defaultMaxRequestBytes,
            clientTimeout: max(.seconds(1), try settings.seconds("client_timeout") ?? Self.defaultClientTimeout))
        publishLog = try settings.bool("publish_log") ?? true
    }

    /// Splits `host:port` (IPv6 as `[::1]:8787`; an empty host is loopback), or nil if it is not that.
    public static func parseListen(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? defaultHost : host, port)
    }
}
