/// Why an upstream transfer failed. Each case says what to check.
public enum TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No connection could be made (refused, DNS failure, TLS handshake failure, proxy refused).
    case connectFailed(String)
    /// The connection was not established within the connect timeout.
    case connectTimeout
    /// The upstream accepted the request but sent no response head in time.
    case firstByteTimeout
    /// The upstream stopped sending in the middle of a response for longer than the idle timeout.
    case idleTimeout
    /// The connection broke after the response started.
    case receiveFailed(String)
    /// The transfer was cancelled (the client went away, or the caller cancelled).
    case cancelled
    /// A buffered body was larger than allowed.
    case responseTooLarge(limit: Int)
    /// The request could not be set up (bad URL, unsupported option).
    case invalidRequest(String)
    /// The client was shut down.
    case shutDown

    public var description: String {
        switch self {
        case .connectFailed(let why): return "could not connect to the upstream: \(why)"
        case .connectTimeout: return "timed out connecting to the upstream"
        case .firstByteTimeout: return "the upstream sent no response in time"
        case .idleTimeout: return "the upstream stopped sending mid-response"
        case .receiveFailed(let why): return "the upstream connection failed mid-response: \(why)"
        case .cancelled: return "the transfer was cancelled"
        case .responseTooLarge(let limit): return "the upstream response is larger than \(limit) bytes"
        case .invalidRequest(let why): return "invalid upstream request: \(why)"
        case .shutDown: return "the HTTP client has been shut down"
        }
    }

    /// Whether the failure happened before any response arrived, i.e. the upstream was unreachable or silent.
    public var isTimeout: Bool {
        switch self {
        case .connectTimeout, .firstByteTimeout, .idleTimeout: return true
        default: return false
        }
    }
}
