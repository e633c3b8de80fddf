import AuditLog
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The HTTP face of a `WitnessCosigner` (AuditLog): `POST /add-checkpoint` as c2sp.org/tlog-witness defines it (the
/// listen address is the witness's submission prefix), and `GET /healthz`.
public struct WitnessServer: Sendable {
    /// The witness that answers.
    public let witness: WitnessCosigner
    /// The address to listen on (loopback by default).
    public let host: String
    /// The port; 0 picks a free one.
    public let port: Int
    let logger: Logger

    /// A server for `witness` on `host:port`.
    ///
    /// - Parameters:
    ///   - witness: The witness that checks and cosigns.
    ///   - host: The address to listen on.
    ///   - port: The port; 0 picks a free one.
    ///   - logger: Where each answer is logged (origin, sizes and status; never key material).
    public init(
        witness: WitnessCosigner, host: String = "127.0.0.1", port: Int,
        logger: Logger = Logger(label: "promptgate.witness")
    ) {
        self.witness = witness
        self.host = host
        self.port = port
        self.logger = logger
    }

    /// Builds the application; `onRunning` receives the bound port once the server listens.
    public func makeApplication(onRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol
    {
        let router = Router()
        let witness = self.witness
        let logger = self.logger
        router.get("/healthz") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        router.post("/add-checkpoint") { request, _ in
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: WitnessCosigner.maxRequestBytes)
            } catch {
                return Response(
                    status: .contentTooLarge, headers: [.contentType: "text/plain; charset=utf-8"],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: "the request is too large\n")))
            }
            let answer = await witness.addCheckpoint(Array(body.readableBytesView))
            let summary = answer.status == 200 ? "cosigned" : answer.body.split(separator: "\n").first.map(String.init)
            logger.info(
                "add-checkpoint", metadata: ["status": "\(answer.status)", "answer": "\(summary ?? "")"])
            return Response(
                status: HTTPResponse.Status(code: answer.status), headers: [.contentType: answer.contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(string: answer.body)))
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "PromptGate-witness"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// Serves until SIGTERM or SIGINT.
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await makeApplication(onRunning: onRunning).runService()
    }
}
