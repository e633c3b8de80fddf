import AuditLog
import AuditLogPostgres
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JSONCore
import PromptGate
import PromptGateServer
import TestSupport
import Testing

@Suite("The proxy on a PostgreSQL log: recorded there, refused when it is gone", .serialized)
struct GatePostgresTests {
    static let prompt = "Please write to jane.doe@example.org about the permit"

    static func chatBody(_ text: String) -> ByteBuffer {
        ByteBuffer(
            bytes: JSONValue.object([
                ("model", .string("gpt-test")),
                ("messages", .array([.object([("role", .string("user")), ("content", .string(text))])])),
            ]).serializedBytes())
    }

    @Test("requests through the server are recorded in PostgreSQL; when the database goes, the next is refused unsent")
    func endToEnd() async throws {
        let recorder = UpstreamRecorder()
        let (name, url) = try await PostgresServer.freshDatabase()
        defer { Task { try? await PostgresServer.drop(name) } }
        try await LiveServer.with(FakeUpstream.router(recorder)) { upstream in
            try await withTemporaryDirectory { directory in
                let configuration = GateConfiguration(
                    upstreamBaseURL: upstream.baseURL + "/v1", upstreamAPIKey: Secret("city-upstream-key"),
                    packs: try GuidelineLoader.embedded(), dataDirectory: directory, logOrigin: PostgresTestLog.origin)
                let opener = PostgresAuditLog.opener(
                    settings: .init(url: try PostgresLogURL(url), proxyID: "gate-test"), logger: PostgresTestLog.quiet)
                let (gate, _) = try await Gate.start(configuration, openTrail: opener)
                #expect(gate.auditLog.storeKind == "postgres")
                let server = ProxyServer(gate: gate, configuration: ServerConfiguration(port: 0))
                do {
                    try await server.makeApplication().test(.router) { client in
                        let ok = try await client.execute(
                            uri: "/v1/chat/completions", method: .post, headers: [.contentType: "application/json"],
                            body: Self.chatBody(Self.prompt))
                        #expect(ok.status == .ok)
                        await gate.flush()
                        let lines = try await PostgresTestLog.lines(url).map { String(decoding: $0, as: UTF8.self) }
                        #expect(lines.contains { $0.contains(#""event":"policy.loaded""#) })
                        #expect(lines.contains { $0.contains(#""event":"request.screened""#) })
                        #expect(lines.contains { $0.contains(#""event":"response.completed""#) })
                        #expect(!lines.contains { $0.contains("jane.doe@example.org") })
                        #expect(await recorder.bodies.count == 1)
                        let metrics = try await client.execute(uri: "/metrics", method: .get)
                        let text = String(buffer: metrics.body)
                        #expect(
                            text.contains(#"promptgate_audit_appends_total{store="postgres",result="ok"}"#), "\(text)")
                        #expect(text.contains(#"promptgate_audit_signer_lease{store="postgres"} 1"#), "\(text)")
                        #expect(!text.contains("promptgate_audit_replication_lag"))

                        try await PostgresServer.drop(name)
                        let refused = try await client.execute(
                            uri: "/v1/chat/completions", method: .post, headers: [.contentType: "application/json"],
                            body: Self.chatBody(Self.prompt))
                        #expect(refused.status == .serviceUnavailable)
                        #expect(refused.headers[.retryAfter] == "2")
                        #expect(String(buffer: refused.body).contains("promptgate_audit_unavailable"))
                        #expect(await recorder.bodies.count == 1)
                        let after = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
                        #expect(after.contains(#"promptgate_audit_appends_total{store="postgres",result="failed"}"#))
                    }
                } catch {
                    try? await gate.shutdown()
                    throw error
                }
                try? await gate.shutdown()
            }
        }
    }
}
