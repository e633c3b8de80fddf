import HTTPTypes
import JSONCore
import Providers

extension Gate {
    /// The one place a refusal or failure becomes an answer, for every route and every cause (unknown key, body
    /// too large or too slow, wrong content type, unconfigured upstream, bad JSON, blocks, upstream failures): the
    /// endpoint's error shape, the request's id, and `x-should-retry: false`, so no SDK resends what will fail again;
    /// a temporary failure that sent nothing (the audit store unavailable) says `Retry-After` and `x-should-retry:
    /// true` instead.
    static func rejection(_ failure: GateFailure, endpoint: Endpoint, context: RequestContext) -> GateResponse {
        var headers: HTTPFields = [
            .contentType: "application/json", .shouldRetry: "false", .promptGateRequestID: context.requestID,
        ]
        if let seconds = failure.retryAfterSeconds {
            headers[.retryAfter] = String(seconds)
            headers[.shouldRetry] = "true"
        }
        if failure.closesConnection { headers[.connection] = "close" }
        return .complete(
            status: failure.status, headers: headers,
            body: endpoint.errorShape.errorBody(
                status: failure.status, message: failure.message, type: failure.type, code: failure.code
            ).serializedBytes())
    }
}

extension Endpoint.ErrorShape {
    /// An error body in the shape; `type` and `code` are OpenAI's fields, Anthropic's type follows the status.
    func errorBody(status: Int, message: String, type: String, code: String) -> JSONValue {
        switch self {
        case .openAI: return OpenAIChat.errorBody(message: message, type: type, code: code)
        case .anthropic: return AnthropicMessages.errorBody(status: status, message: message)
        case .ollama: return OllamaChat.errorBody(message: message)
        }
    }
}
