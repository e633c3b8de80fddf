/// Why a request was refused or failed, before or after it reached the upstream; each maps to an HTTP status and
/// a message in the provider's error shape. Blocks are 4xx and never 429 or 5xx, so SDKs do not retry them.
enum GateFailure: Error, Sendable {
    case badRequest(String)
    case tooLarge(limit: Int)
    case blocked(String)
    case screeningFailed
    case auditUnavailable
    case upstreamTimeout(String)
    case upstreamUnreachable(String)

    var status: Int {
        switch self {
        case .badRequest: return 400
        case .tooLarge: return 413
        case .blocked: return 403
        case .screeningFailed, .auditUnavailable: return 500
        case .upstreamTimeout: return 504
        case .upstreamUnreachable: return 502
        }
    }

    /// OpenAI-style error `type`.
    var type: String {
        switch self {
        case .badRequest, .tooLarge: return "invalid_request_error"
        case .blocked: return "permission_error"
        case .screeningFailed, .auditUnavailable: return "server_error"
        case .upstreamTimeout, .upstreamUnreachable: return "upstream_error"
        }
    }

    var code: String {
        switch self {
        case .badRequest: return "invalid_request"
        case .tooLarge: return "request_too_large"
        case .blocked: return "promptgate_policy_block"
        case .screeningFailed: return "promptgate_screening_failed"
        case .auditUnavailable: return "promptgate_audit_unavailable"
        case .upstreamTimeout: return "upstream_timeout"
        case .upstreamUnreachable: return "upstream_unreachable"
        }
    }

    var message: String {
        switch self {
        case .badRequest(let why): return "PromptGate could not read this request: \(why)"
        case .tooLarge(let limit): return "The request is larger than the \(limit)-byte limit."
        case .blocked(let why): return why
        case .screeningFailed:
            return
                "PromptGate could not screen this prompt, so it was not sent. Try again; if it keeps failing, tell IT."
        case .auditUnavailable:
            return
                "PromptGate could not record this prompt in the audit log, so it was not sent. Tell IT (the log may be full or locked)."
        case .upstreamTimeout(let why): return "The AI service did not answer in time: \(why)"
        case .upstreamUnreachable(let why): return "PromptGate could not reach the AI service: \(why)"
        }
    }
}
