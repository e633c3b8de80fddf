/// Where the proxy listens and how much it accepts.
public struct ServerConfiguration: Sendable {
    /// The address to listen on. Loopback by default: other machines cannot reach the proxy unless told so.
    public var host: String
    /// The port; 0 picks a free one (tests).
    public var port: Int
    /// The largest request body read; larger ones get 413.
    public var maxRequestBytes: Int

    public init(host: String = "127.0.0.1", port: Int = 8787, maxRequestBytes: Int = 8 << 20) {
        self.host = host
        self.port = port
        self.maxRequestBytes = maxRequestBytes
    }
}
