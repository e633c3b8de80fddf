import JSONCore
import Providers
import Screening

/// The chat protocols the proxy speaks, and what differs between them: how a request is read, where it goes, how
/// its key is sent, how answers and streams carry text back (the route and its error shape are its ``Endpoint``).
/// The pipeline around them (screen, decide, record, forward, restore, record) is the same for all.
enum ChatWire: Sendable, CaseIterable {
    /// OpenAI Chat Completions, `POST /v1/chat/completions`.
    case openAIChat
    /// Anthropic Messages, `POST /v1/messages`.
    case anthropicMessages
    /// OpenAI Embeddings, `POST /v1/embeddings` (never streamed; nothing to restore).
    case openAIEmbeddings
    /// OpenAI Responses, `POST /v1/responses`.
    case openAIResponses
    /// Ollama chat, `POST /api/chat` (NDJSON streams).
    case ollamaChat

    /// The `provider` field of audit entries.
    var provider: String {
        switch self {
        case .openAIChat, .openAIEmbeddings, .openAIResponses: return "openai"
        case .anthropicMessages: return "anthropic"
        case .ollamaChat: return "ollama"
        }
    }

    /// The path under the upstream base URL.
    var upstreamPath: String {
        switch self {
        case .openAIChat: return "chat/completions"
        case .anthropicMessages: return "messages"
        case .openAIEmbeddings: return "embeddings"
        case .openAIResponses: return "responses"
        case .ollamaChat: return "api/chat"
        }
    }

    /// The protocol's slots, then every other string of the body (``ExtractedRequest/walkingWholeBody()``).
    func extract(_ body: JSONValue) throws(RequestDecodingError) -> ExtractedRequest {
        let request: ExtractedRequest
        switch self {
        case .openAIChat: request = try OpenAIChat.extract(body)
        case .anthropicMessages: request = try AnthropicMessages.extract(body)
        case .openAIEmbeddings: request = try OpenAIEmbeddings.extract(body)
        case .openAIResponses: request = try OpenAIResponses.extract(body)
        case .ollamaChat: request = try OllamaChat.extract(body)
        }
        return request.walkingWholeBody()
    }

    /// Restores placeholders in a complete answer; returns the texts as the upstream sent them.
    func restore(_ body: inout JSONValue, vault: PlaceholderVault) -> [String] {
        switch self {
        case .openAIChat: return OpenAIChat.transformResponse(&body) { vault.restore($0, jsonString: $1) }
        case .anthropicMessages: return AnthropicMessages.transformResponse(&body) { vault.restore($0) }
        case .openAIEmbeddings: return []
        case .openAIResponses: return OpenAIResponses.transformResponse(&body) { vault.restore($0, jsonString: $1) }
        case .ollamaChat: return OllamaChat.transformResponse(&body) { vault.restore($0) }
        }
    }

    func appendNotice(_ body: inout JSONValue, _ text: String) {
        switch self {
        case .openAIChat: OpenAIChat.appendToContent(&body, noticePrefix + text)
        case .anthropicMessages: AnthropicMessages.appendToContent(&body, text)
        case .openAIResponses: OpenAIResponses.appendToContent(&body, noticePrefix + text)
        case .openAIEmbeddings: break  // the disclosure header still goes out
        case .ollamaChat: OllamaChat.appendToContent(&body, noticePrefix + text)
        }
    }

    func usage(_ body: JSONValue) -> (prompt: Int?, completion: Int?) {
        switch self {
        case .openAIChat: return OpenAIChat.usage(body)
        case .anthropicMessages: return AnthropicMessages.usage(body)
        case .openAIEmbeddings: return OpenAIEmbeddings.usage(body)
        case .openAIResponses: return OpenAIResponses.usage(body)
        case .ollamaChat: return OllamaChat.usage(body)
        }
    }

    /// Whether an upstream answer with this content type is a stream in the protocol's framing.
    func isStream(contentType: String?) -> Bool {
        let type = contentType?.lowercased() ?? ""
        switch self {
        case .ollamaChat: return type.hasPrefix("application/x-ndjson")
        default: return type.hasPrefix("text/event-stream")
        }
    }

    /// Splits the upstream's stream into events (SSE) or lines (NDJSON), and writes them back the same way.
    func framer() -> StreamFramer {
        switch self {
        case .ollamaChat: return .ndjson(NDJSONLineParser())
        default: return .sse(ServerSentEventParser())
        }
    }

    /// What goes before a disclosure notice added to an answer's text (Anthropic's is a block of its own).
    var noticePrefix: String {
        switch self {
        case .openAIChat, .openAIEmbeddings, .openAIResponses: return "\n\n"
        case .anthropicMessages: return ""
        case .ollamaChat: return "\n\n"
        }
    }
}

/// A stream's framing: Server-Sent Events (OpenAI, Anthropic) or NDJSON lines (Ollama).
enum StreamFramer: Sendable {
    case sse(ServerSentEventParser)
    case ndjson(NDJSONLineParser)

    mutating func feed(_ bytes: [UInt8]) throws(RequestDecodingError) -> [ServerSentEvent] {
        switch self {
        case .sse(var parser):
            defer { self = .sse(parser) }
            return try parser.feed(bytes)
        case .ndjson(var parser):
            defer { self = .ndjson(parser) }
            return try parser.feed(bytes)
        }
    }

    mutating func finish() -> ServerSentEvent? {
        switch self {
        case .sse(var parser):
            defer { self = .sse(parser) }
            return parser.finish()
        case .ndjson(var parser):
            defer { self = .ndjson(parser) }
            return parser.finish()
        }
    }

    func encode(_ events: [ServerSentEvent]) -> [UInt8] {
        switch self {
        case .sse: return Array(events.map { $0.encoded() }.joined().utf8)
        case .ndjson: return Array(events.map { $0.data + "\n" }.joined().utf8)
        }
    }
}
