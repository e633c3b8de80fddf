import HTTPTypes

/// One route the proxy serves, and everything that differs between routes: where it listens, which protocol its
/// body speaks, which upstream it goes to, where the client's key is read, which client headers travel on, and the
/// error shape its SDKs understand. ``all`` is the whole table; the server serves exactly these, and
/// ``Gate/handle(_:headers:body:limits:)`` answers each of them.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    /// The upstreams a route can go to: each has its own base URL and key in ``GateConfiguration``.
    public enum Upstream: Sendable, Hashable {
        /// ``GateConfiguration/upstreamBaseURL``, always configured.
        case openAI
        /// ``GateConfiguration/anthropicBaseURL``; without it the route answers 404.
        case anthropic
        /// ``GateConfiguration/ollamaBaseURL``; without it the route answers 404.
        case ollama
    }

    /// Where a client puts its proxy key.
    public enum ClientKey: Sendable, Hashable {
        /// `Authorization: Bearer <key>` (OpenAI's and Ollama's SDKs; Anthropic's with an auth token).
        case bearer
        /// `x-api-key: <key>` (Anthropic's SDK).
        case apiKey
    }

    /// The error bodies a protocol's SDKs parse.
    public enum ErrorShape: Sendable, Hashable {
        /// `{"error":{"message","type","param","code"}}`
        case openAI
        /// `{"type":"error","error":{"type","message"}}`
        case anthropic
        /// `{"error":"…"}`
        case ollama
    }

    /// The path the proxy serves, e.g. `/v1/chat/completions`.
    public let path: String
    public let method: HTTPRequest.Method
    /// The prompt protocol of the body; `nil` for routes that carry no prompt (`GET /v1/models`).
    let wire: ChatWire?
    public let upstream: Upstream
    /// Where the proxy key is looked for, first match first (``Gate/identify(authorization:apiKey:)``).
    public let clientKey: [ClientKey]
    /// Client headers the upstream needs and the proxy passes on unchanged.
    public let forwardedHeaders: [HTTPField.Name]
    public let errorShape: ErrorShape

    /// Whether the route reads a request body: only those are checked for content type, size and pace.
    public var takesBody: Bool { method == .post }

    public var description: String { "\(method) \(path)" }

    /// OpenAI `GET /v1/models`: the upstream's list, narrowed by the registry.
    public static let openAIModels = Endpoint(
        path: "/v1/models", method: .get, wire: nil, upstream: .openAI, errorShape: .openAI)
    /// OpenAI `POST /v1/chat/completions`.
    public static let openAIChatCompletions = Endpoint(
        path: "/v1/chat/completions", method: .post, wire: .openAIChat, upstream: .openAI, errorShape: .openAI)
    /// OpenAI `POST /v1/responses`.
    public static let openAIResponses = Endpoint(
        path: "/v1/responses", method: .post, wire: .openAIResponses, upstream: .openAI, errorShape: .openAI)
    /// OpenAI `POST /v1/embeddings`.
    public static let openAIEmbeddings = Endpoint(
        path: "/v1/embeddings", method: .post, wire: .openAIEmbeddings, upstream: .openAI, errorShape: .openAI)
    /// Ollama `POST /api/chat`.
    public static let ollamaChat = Endpoint(
        path: "/api/chat", method: .post, wire: .ollamaChat, upstream: .ollama, errorShape: .ollama)
    /// Anthropic `POST /v1/messages`; the SDK's `anthropic-version` and `anthropic-beta` travel on.
    public static let anthropicMessages = Endpoint(
        path: "/v1/messages", method: .post, wire: .anthropicMessages, upstream: .anthropic,
        forwardedHeaders: [.anthropicVersion, .anthropicBeta], errorShape: .anthropic)

    /// Every route the proxy serves.
    public static let all: [Endpoint] = [
        openAIModels, openAIChatCompletions, openAIResponses, openAIEmbeddings, ollamaChat, anthropicMessages,
    ]

    init(
        path: String, method: HTTPRequest.Method, wire: ChatWire?, upstream: Upstream,
        // Both places for every route, Bearer first: clients of each protocol are known to use either.
        clientKey: [ClientKey] = [.bearer, .apiKey], forwardedHeaders: [HTTPField.Name] = [],
        errorShape: ErrorShape
    ) {
        self.path = path
        self.method = method
        self.wire = wire
        self.upstream = upstream
        self.clientKey = clientKey
        self.forwardedHeaders = forwardedHeaders
        self.errorShape = errorShape
    }
}

extension ChatWire {
    /// The route that speaks this protocol.
    var endpoint: Endpoint {
        switch self {
        case .openAIChat: return .openAIChatCompletions
        case .anthropicMessages: return .anthropicMessages
        case .openAIEmbeddings: return .openAIEmbeddings
        case .openAIResponses: return .openAIResponses
        case .ollamaChat: return .ollamaChat
        }
    }
}

extension HTTPField.Name {
    static let apiKey = Self("x-api-key")!
    static let anthropicVersion = Self("anthropic-version")!
    static let anthropicBeta = Self("anthropic-beta")!
    static let shouldRetry = Self("x-should-retry")!
    static let promptGateRequestID = Self("x-promptgate-request-id")!
    static let promptGateDecision = Self("x-promptgate-decision")!
    static let promptGateWarning = Self("x-promptgate-warning")!
    static let promptGateAIDisclosure = Self("x-promptgate-ai-disclosure")!
    static let promptGatePurpose = Self("x-promptgate-purpose")!
}
