import AuditLog
import HTTPTypes
import Hummingbird
import HummingbirdCore
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
        let limits = BodyLimits(bytes: configuration.maxRequestBytes, time: configuration.clientTimeout)
        router.get("/healthz") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        // Connections are served on their event loops (EventLoopConnection); what reads files or renders pages runs
        // on the global pool instead, so that it does not stall the loop's other connections.
        router.get("/metrics") { _, _ in
            await withTaskExecutorPreference(globalConcurrentExecutor) {
                Response(
                    status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: await gate.metricsExposition())))
            }
        }
        // The live report for admins (users file `admin: true`): 401 without a key, 403 for other users.
        let admin = AdminPage(gate: gate)
        router.get("/admin") { request, _ in
            await withTaskExecutorPreference(globalConcurrentExecutor) {
                await admin.response(headers: request.headers)
            }
        }
        // The audit log as a C2SP tlog-tiles tree, read-only and without a key: the published checkpoint and the
        // tiles of its tree, nothing else on disk (LogTileServer answers canonical tile paths only).
        if configuration.publishLog {
            let tiles = LogTileServer(directory: gate.configuration.dataDirectory)
            let logger = self.logger
            router.get("/log/checkpoint") { _, _ in
                await withTaskExecutorPreference(globalConcurrentExecutor) {
                    await Self.logResource(tiles, "checkpoint", logger: logger)
                }
            }
            router.get("/log/tile/**") { request, _ in
                await withTaskExecutorPreference(globalConcurrentExecutor) {
                    await Self.logResource(tiles, String(request.uri.path.dropFirst("/log/".count)), logger: logger)
                }
            }
        }
        // The gate's table is the whole API: each route identifies the caller, holds the body to the limits and
        // answers every refusal in its protocol's shape, in the gate.
        for endpoint in Endpoint.all {
            router.on(RouterPath(endpoint.path), method: endpoint.method) { request, _ in
                // A small prompt is screened and recorded on the connection's event loop (no thread hand-off); a
                // large one, or one of unknown length, on the global pool.
                let onLoop = Self.servesOnEventLoop(request.headers)
                return await withTaskExecutorPreference(onLoop ? nil : globalConcurrentExecutor) {
                    await Gate.$afterwardExecutor.withValue(onLoop ? Gate.afterwardExecutor : nil) {
                        Self.response(
                            await gate.handle(
                                endpoint, headers: request.headers, body: request.body.map(\.readableBytesView),
                                limits: limits))
                    }
                }
            }
        }
        let app = Application(
            router: router,
            // Closes connections idle (or dribbling their headers) past the client timeout.
            server: .http1OnEventLoop(
                configuration: .init(idleTimeout: TimeAmount(configuration.clientTimeout))),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "PromptGate"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
        return app
    }

    /// Serves until SIGTERM or SIGINT, then finishes open requests and returns.
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await makeApplication(onRunning: onRunning).runService()
    }

    /// One resource of the published log tree: tiles are immutable (their path names their bytes), the checkpoint
    /// is not cached.
    static func logResource(_ tiles: LogTileServer, _ path: String, logger: Logger) async -> Response {
        do {
            let resource = try await tiles.resource(path)
            var headers: HTTPFields = [.contentType: resource.contentType]
            headers[.cacheControl] = resource.immutable ? "public, max-age=31536000, immutable" : "no-cache"
            return Response(
                status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: resource.bytes)))
        } catch {
            let status: HTTPResponse.Status
            if case .notFound = error { status = .notFound } else { status = .internalServerError }
            if status != .notFound { logger.error("published log: \(path): \(error)") }
            let text = status == .notFound ? "not found\n" : "the published log is unavailable\n"
            return Response(
                status: status, headers: [.contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
    }

    /// The largest declared body screened on the connection's event loop: screening dense text runs at a few MB/s,
    /// so this keeps the loop's other connections waiting a few milliseconds at most.
    static let eventLoopBodyLimit = 16 * 1024

    /// Whether a proxied request stays on its connection's event loop: no body, or a declared one up to
    /// ``eventLoopBodyLimit``. A chunked body (no `Content-Length`) may be of any size.
    static func servesOnEventLoop(_ headers: HTTPFields) -> Bool {
        guard let declared = headers[.contentLength] else { return headers[.transferEncoding] == nil }
        guard let length = Int(declared), length >= 0 else { return false }
        return length <= eventLoopBodyLimit
    }

    static func response(_ answer: GateResponse) -> Response {
        var headers = answer.headers
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
