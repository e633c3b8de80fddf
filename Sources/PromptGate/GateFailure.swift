import AuditLog

/// Why a request was refused or failed, at the door, before or after it reached the upstream; each maps to an
/// HTTP status and a message, rendered in the endpoint's error shape by ``Gate/rejection(_:endpoint:context:)``
/// alone. Blocks are 4xx and never 429 or 5xx, so SDKs do not retry them.
enum GateFailure: Error, Sendable {
    /// The users file does not know the client's key.
    case unknownKey
    /// The body was declared as something other than JSON (the declared type).
    case unsupportedMediaType(String)
    /// The body did not arrive within the client timeout (slow loris).
    case clientTooSlow(Duration)
    /// The body could not be read off the connection.
    case unreadableBody(String)
    /// The route's upstream is not configured (Anthropic, Ollama).
    case upstreamNotConfigured(Endpoint)
    case badRequest(String)
    case tooLarge(limit: Int)
    case blocked(String)
    case screeningFailed
    /// The audit store cannot take entries now (its database unreachable, its disk full, the log closing): 503 with
    /// `Retry-After`, as nothing was sent and the same request may succeed in a moment.
    case auditUnavailable
    /// The audit store refused the entry for another reason (a malformed retention key): 500.
    case auditFailed
    case upstreamTimeout(String)
    case upstreamUnreachable(String)

    var status: Int {
        switch self {
        case .unknownKey: return 401
        case .unsupportedMediaType: return 415
        case .clientTooSlow: return 408
        case .upstreamNotConfigured: return 404
        case .badRequest, .unreadableBody: return 400
        case .tooLarge: return 413
        case .blocked: return 403
        case .screeningFailed, .auditFailed: return 500
        case .auditUnavailable: return 503
        case .upstreamTimeout: return 504
        case .upstreamUnreachable: return 502
        }
    }

    /// OpenAI-style error `type`.
    var type: String {
        switch self {
        case .unknownKey, .unsupportedMediaType, .clientTooSlow, .unreadableBody, .upstreamNotConfigured,
            .badRequest, .tooLarge:
            return "invalid_request_error"
        case .blocked: return "permission_error"
        case .screeningFailed, .auditUnavailable, .auditFailed: return "server_error"
        case .upstreamTimeout, .upstreamUnreachable: return "upstream_error"
        }
    }

    var code: String {
        switch self {
        case .unknownKey: return "invalid_api_key"
        case .unsupportedMediaType: return "unsupported_media_type"
        case .clientTooSlow: return "request_timeout"
        case .badRequest, .unreadableBody, .upstreamNotConfigured: return "invalid_request"
        case .tooLarge: return "request_too_large"
        case .blocked: return "promptgate_policy_block"
        case .screeningFailed: return "promptgate_screening_failed"
        case .auditUnavailable: return "promptgate_audit_unavailable"
        case .auditFailed: return "promptgate_audit_failed"
        case .upstreamTimeout: return "upstream_timeout"
        case .upstreamUnreachable: return "upstream_unreachable"
        }
    }

    var message: String {
        switch self {
        case .unknownKey:
            return "PromptGate does not know this API key. Use the personal PromptGate key IT gave you."
        case .unsupportedMediaType(let type): return "PromptGate reads JSON request bodies only (this one is \(type))."
        case .clientTooSlow(let time): return "The request body did not arrive within \(time); nothing was sent."
        case .unreadableBody(let why): return "The request body could not be read: \(why)"
        case .upstreamNotConfigured(let endpoint):
            return "PromptGate could not read this request: no \(endpoint.upstream.name) upstream is configured for "
                + endpoint.path
        case .badRequest(let why): return "PromptGate could not read this request: \(why)"
        case .tooLarge(let limit): return "The request is larger than the \(limit)-byte limit."
        case .blocked(let why): return why
        case .screeningFailed:
            return
                "PromptGate could not screen this prompt, so it was not sent. Try again; if it keeps failing, tell IT."
        case .auditUnavailable:
            return
                "PromptGate could not record this prompt in the audit log just now, so it was not sent. Try again in a moment; if it keeps failing, tell IT (the log's disk may be full or its database unreachable)."
        case .auditFailed:
            return "PromptGate could not record this prompt in the audit log, so it was not sent. Tell IT."
        case .upstreamTimeout(let why): return "The AI service did not answer in time: \(why)"
        case .upstreamUnreachable(let why): return "PromptGate could not reach the AI service: \(why)"
        }
    }
}

extension GateFailure {
    /// Seconds a client should wait before sending the request again (`Retry-After`), for a failure that is
    /// temporary and left nothing sent; nil when the same request would fail again.
    var retryAfterSeconds: Int? {
        switch self {
        case .auditUnavailable: return Self.auditRetryAfterSeconds
        default: return nil
        }
    }

    /// How long a client waits after `promptgate_audit_unavailable`: a proxy reconnects to its database at the next
    /// request, and a failover or a restart of PostgreSQL takes seconds.
    static let auditRetryAfterSeconds = 2

    /// The failure an audit append's error means: the store unavailable (its database unreachable or the entry not
    /// committed, its disk full or failing, the log closed or locked) is temporary; anything else is not.
    static func audit(_ error: any Error) -> GateFailure {
        switch error as? AuditLogError {
        case .unavailable, .io, .locked: return .auditUnavailable
        default: return .auditFailed
        }
    }

    /// Whether the connection is closed after the answer: the client may still be sending a body nobody will read.
    var closesConnection: Bool {
        switch self {
        case .clientTooSlow, .tooLarge: return true
        default: return false
        }
    }
}

extension Endpoint.Upstream {
    /// How messages name the upstream.
    var name: String {
        switch self {
        case .openAI: return "OpenAI"
        case .anthropic: return "Anthropic"
        case .ollama: return "Ollama"
        }
    }
}
