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

    public init(
        host: String = "127.0.0.1", port: Int = 8787, maxRequestBytes: Int = 8 << 20,
        clientTimeout: Duration = .seconds(30)
    ) {
        self.host = host
        self.port = port
        self.maxRequestBytes = maxRequestBytes
        self.clientTimeout = clientTimeout
    }
}
