/// How the client reaches upstreams: timeouts, corporate proxy, certificates, HTTP/2 and buffering limits.
///
/// libcurl ignores `CURL_CA_BUNDLE` and `SSL_CERT_FILE`, so a corporate CA must be set here (`caBundlePath`); the
/// proxy can be set here or come from the lower-case `https_proxy`/`http_proxy`, `HTTPS_PROXY` and `no_proxy`
/// environment variables that libcurl reads itself.
public struct TransportConfiguration: Sendable {
    /// Time allowed to establish the TCP and TLS connection.
    public var connectTimeout: Duration
    /// Time allowed from sending the request to receiving the response head.
    public var firstByteTimeout: Duration
    /// A transfer that receives nothing for this long is aborted. Paused transfers (slow clients) do not count.
    public var idleTimeout: Duration
    /// A PEM bundle of trusted CAs, e.g. the city's corporate root. `nil` uses the system store.
    public var caBundlePath: String?
    /// A client certificate (PEM) for upstreams that require mutual TLS, and its key.
    public var clientCertificatePath: String?
    public var clientKeyPath: String?
    /// An outbound proxy URL (`http://proxy.city.example:3128`). `nil` lets libcurl read the environment.
    public var proxy: String?
    /// Hosts that bypass the proxy, comma-separated, as in `NO_PROXY`.
    public var noProxy: String?
    /// Negotiate HTTP/2 over TLS where the upstream offers it.
    public var http2: Bool
    /// The most response bytes held for a consumer that is slower than the upstream; past this the transfer pauses.
    public var maxBufferedBytes: Int
    /// Connections kept open per host for reuse.
    public var maxConnectionsPerHost: Int

    // The defaults, each stated once: the initializer, the configuration reader and `promptgate serve --help` use
    // these.
    public static let defaultConnectTimeout: Duration = .seconds(10)
    public static let defaultFirstByteTimeout: Duration = .seconds(120)
    public static let defaultIdleTimeout: Duration = .seconds(120)
    public static let defaultHTTP2 = true
    public static let defaultMaxBufferedBytes = 64 * 1024
    public static let defaultMaxConnectionsPerHost = 64

    public init(
        connectTimeout: Duration = defaultConnectTimeout,
        firstByteTimeout: Duration = defaultFirstByteTimeout,
        idleTimeout: Duration = defaultIdleTimeout,
        caBundlePath: String? = nil,
        clientCertificatePath: String? = nil,
        clientKeyPath: String? = nil,
        proxy: String? = nil,
        noProxy: String? = nil,
        http2: Bool = defaultHTTP2,
        maxBufferedBytes: Int = defaultMaxBufferedBytes,
        maxConnectionsPerHost: Int = defaultMaxConnectionsPerHost
    ) {
        self.connectTimeout = connectTimeout
        self.firstByteTimeout = firstByteTimeout
        self.idleTimeout = idleTimeout
        self.caBundlePath = caBundlePath
        self.clientCertificatePath = clientCertificatePath
        self.clientKeyPath = clientKeyPath
        self.proxy = proxy
        self.noProxy = noProxy
        self.http2 = http2
        self.maxBufferedBytes = maxBufferedBytes
        self.maxConnectionsPerHost = maxConnectionsPerHost
    }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
