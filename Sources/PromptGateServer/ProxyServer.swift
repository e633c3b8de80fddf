import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import PromptGate

/// The HTTP face of a ``Gate``: OpenAI-, Anthropic- and Ollama-compatible routes on Hummingbird, plus `/healthz` and
/// Prometheus `/metrics` (on the same loopback listener: expose it only to the city's monitoring).
public struct ProxyServer: Sendable {
    public let gate: Gate
    public let configuration: ServerConfiguration
    let logger: Logger

    public init(gate: Gate, configuration: ServerConfiguration, logger: Logger = Logger(label: "promptgate.server")) {
        self.gate = gate
        self.configuration = configuration
        self.logger = logger
    }

    /// Builds the application; `onRunning` receives the bound port once the server listens.
    public func makeApplication(onRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol
    {
        let router = Router()
        let gate = self.gate
        let limit = BodyLimits(bytes: configuration.maxRequestBytes, time: configuration.clientTimeout)
        router.get("/healthz") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: gate.metrics.exposition())))
        }
        router.get("/v1/models") { request, _ in
            switch Self.context(for: request, gate: gate) {
            case .failure(let rejection): return rejection.response
            case .success(let requestContext): return Self.response(await gate.openAIModels(context: requestContext))
            }
        }
        router.post("/v1/chat/completions") { request, _ in
            await Self.post(request, gate: gate, limit: limit, shape: .openAI) { body, context in
                await gate.openAIChatCompletions(body: body, context: context)
            }
        }
        router.post("/v1/responses") { request, _ in
            await Self.post(request, gate: gate, limit: limit, shape: .openAI) { body, context in
                await gate.openAIResponses(body: body, context: context)
            }
        }
        router.post("/v1/embeddings") { request, _ in
            await Self.post(request, gate: gate, limit: limit, shape: .openAI) { body, context in
                await gate.openAIEmbeddings(body: body, context: context)
            }
        }
        router.post("/api/chat") { request, _ in
            await Self.post(request, gate: gate, limit: limit, shape: .ollama) { body, context in
                await gate.ollamaChat(body: body, context: context)
            }
        }
        router.post("/v1/messages") { request, _ in
            await Self.post(
                request, gate: gate, limit: limit, shape: .anthropic, forward: ["anthropic-version", "anthropic-beta"]
            ) { body, context in
                await gate.anthropicMessages(body: body, context: context)
            }
        }
        let idle = configuration.clientTimeout.components
        let app = Application(
            router: router,
            // Closes connections idle (or dribbling their headers) past the client timeout.
            server: .http1(
                configuration: .init(
                    idleTimeout: .nanoseconds(idle.seconds * 1_000_000_000 + idle.attoseconds / 1_000_000_000))),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "PromptGate"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
        return app
    }

    /// How much of a request body is read, and for how long.
    struct BodyLimits {
        var bytes: Int
        var time: Duration
    }

    /// A provider POST: identify the caller, pass the named client headers on, read the body up to the limits (413
    /// or 408 in the provider's shape beyond them), and hand both to the gate.
    static func post(
        _ request: Request, gate: Gate, limit limits: BodyLimits, shape: ErrorShape, forward: [String] = [],
        _ handle: @Sendable ([UInt8], PromptGate.RequestContext) async -> GateResponse
    ) async -> Response {
        var requestContext: PromptGate.RequestContext
        switch context(for: request, gate: gate, shape: shape) {
        case .failure(let rejection): return rejection.response
        case .success(let identified): requestContext = identified
        }
        for name in forward {
            if let value = header(request, name) { requestContext.forwardedHeaders.append((name, value)) }
        }
        // Every provider's API takes JSON. A body declared as something else is refused, not guessed at.
        if let type = request.headers[.contentType]?.lowercased(), !type.contains("json") {
            return response(
                Self.error(
                    shape, status: 415, message: "PromptGate reads JSON request bodies only (this one is \(type)).",
                    code: "unsupported_media_type", requestID: requestContext.requestID))
        }
        let limit = limits.bytes
        let deadline = ContinuousClock.now + limits.time
        var body: [UInt8] = []
        var total = 0
        do {
            // Past the limit the rest is read and dropped (up to 8× the limit), so a client that sends its whole
            // body before reading gets its 413 instead of a stalled upload.
            for try await buffer in request.body {
                total += buffer.readableBytes
                if total <= limit { body += Array(buffer: buffer) } else { body = [] }
                if total > 8 * limit { break }
                // A body dribbled in (slow loris) would hold the connection for ever: the whole request gets the
                // client timeout. (Silence is cut by the server's idle timeout.)
                if ContinuousClock.now > deadline {
                    var answer = response(
                        Self.error(
                            shape, status: 408,
                            message: "The request body did not arrive within \(limits.time); nothing was sent.",
                            code: "request_timeout", requestID: requestContext.requestID))
                    answer.headers[.connection] = "close"
                    return answer
                }
            }
        } catch {
            return response(
                Self.error(
                    shape, status: 400, message: "The request body could not be read: \(error)",
                    code: "invalid_request", requestID: requestContext.requestID))
        }
        guard total <= limit else {
            var answer = response(
                Self.error(
                    shape, status: 413, message: "The request is larger than the \(limit)-byte limit.",
                    code: "request_too_large", requestID: requestContext.requestID))
            answer.headers[.connection] = "close"
            return answer
        }
        return response(await handle(body, requestContext))
    }

    /// An error in a provider's shape.
    static func error(_ shape: ErrorShape, status: Int, message: String, code: String, requestID: String)
        -> GateResponse
    {
        switch shape {
        case .anthropic: return .anthropicError(status: status, message: message, requestID: requestID)
        case .ollama: return .ollamaError(status: status, message: message, requestID: requestID)
        case .openAI:
            return .openAIError(
                status: status, message: message, type: "invalid_request_error", code: code, requestID: requestID)
        }
    }

    /// A 401 answer for a caller the users file does not know.
    struct Rejection: Error {
        let response: Response
    }

    /// The request's context: its identity (from the proxy key), client tool and declared purpose.
    /// Which provider's error shape a rejection takes.
    enum ErrorShape { case openAI, anthropic, ollama }

    static func context(for request: Request, gate: Gate, shape: ErrorShape = .openAI)
        -> Result<PromptGate.RequestContext, Rejection>
    {
        var requestContext = PromptGate.RequestContext(
            client: request.headers[.userAgent], purpose: header(request, "x-promptgate-purpose"))
        switch gate.identify(authorization: request.headers[.authorization], apiKey: header(request, "x-api-key")) {
        case .anonymous: break
        case .user(let user):
            requestContext.actor = user.id
            requestContext.department = user.department
        case .rejected:
            return .failure(
                Rejection(
                    response: response(
                        error(
                            shape, status: 401,
                            message:
                                "PromptGate does not know this API key. Use the personal PromptGate key IT gave you.",
                            code: "invalid_api_key", requestID: requestContext.requestID))))
        }
        return .success(requestContext)
    }

    static func header(_ request: Request, _ name: String) -> String? {
        request.headers.first { $0.name.canonicalName == name }?.value
    }

    /// Serves until SIGTERM or SIGINT, then finishes open requests and returns.
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await makeApplication(onRunning: onRunning).runService()
    }

    static func response(_ answer: GateResponse) -> Response {
        var headers = HTTPFields()
        for (name, value) in answer.headers {
            if let field = HTTPField.Name(name) { headers.append(HTTPField(name: field, value: value)) }
        }
        switch answer {
        case .complete(let status, _, let body):
            return Response(
                status: HTTPResponse.Status(code: status), headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        case .stream(let status, _, let stream):
            headers[.cacheControl] = "no-cache"
            return Response(
                status: HTTPResponse.Status(code: status), headers: headers,
                body: ResponseBody { writer in
                    for try await chunk in stream { try await writer.write(ByteBuffer(bytes: chunk)) }
                    try await writer.finish(nil)
                })
        }
    }
}
