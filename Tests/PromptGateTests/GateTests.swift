import Foundation
import HTTPTypes
import TestSupport
import Testing

@testable import AuditLog
@testable import JSONCore
@testable import PromptGate
@testable import Screening

@Suite("Gate: the pipeline as a library, against a fake upstream")
struct GateTests {
    static let prompt = "Write to maria.gonzalez@example.org, call (617) 555-0134, SSN 212-56-7890."
    static let raw = ["maria.gonzalez@example.org", "(617) 555-0134", "212-56-7890"]

    static func chatBody(_ text: String, stream: Bool = false, parts: Bool = false) -> [UInt8] {
        let content: JSONValue =
            parts ? .array([.object([("type", .string("text")), ("text", .string(text))])]) : .string(text)
        return JSONValue.object([
            ("model", .string("gpt-test")), ("temperature", .number("0.70")),
            ("x_unknown", .object([("keep", .bool(true))])),
            ("stream", .bool(stream)),
            ("messages", .array([.object([("role", .string("user")), ("content", content)])])),
        ]).serializedBytes()
    }

    static func withGate<T: Sendable>(
        upstream: String, packs: [GuidelinePack]? = nil, _ body: (Gate, String) async throws -> T
    ) async throws -> T {
        try await withTemporaryDirectory { directory in
            let configuration = GateConfiguration(
                upstreamBaseURL: upstream + "/v1", upstreamAPIKey: Secret("city-upstream-key"),
                packs: try packs ?? PackLoader.loadDirectory(repositoryRoot + "/guidelines/packs"),
                dataDirectory: directory, logOrigin: "test.example/gate")
            let (gate, report) = try await Gate.start(configuration)
            #expect(report.keyCreated)
            do {
                let result = try await body(gate, directory)
                try await gate.shutdown()
                return result
            } catch {
                try? await gate.shutdown()
                throw error
            }
        }
    }

    /// The log file's text once every entry the gate has started writing is on disk, then its texts opened.
    static func logText(_ gate: Gate, _ directory: String) async throws -> String {
        await gate.flush()
        return try await OpenedLog.text(directory, keys: gate.retentionKeys)
    }

    @Test("non-streaming: the upstream sees placeholders and the city key; the client gets the originals")
    func buffered() async throws {
        let recorder = UpstreamRecorder()
        try await LiveServer.with(FakeUpstream.router(recorder)) { upstream in
            try await Self.withGate(upstream: upstream.baseURL) { gate, directory in
                let response = await gate.openAIChatCompletions(
                    body: Self.chatBody(Self.prompt), context: RequestContext(actor: "jdoe"))
                #expect(response.status == 200)
                let answer = try JSONParser.parse(try await response.collectBody())
                #expect(
                    answer["choices"]?.arrayValue?.first?["message"]?["content"]?.stringValue == "You said: "
                        + Self.prompt)

                let sent = try #require(await recorder.bodies.first)
                for value in Self.raw { #expect(!sent.contains(value)) }
                #expect(
                    sent.contains("[EMAIL_ADDRESS_1]") && sent.contains("[PHONE_NUMBER_1]")
                        && sent.contains("[US_SSN_1]"))
                #expect(sent.contains(#""temperature":0.70"#) && sent.contains(#""x_unknown":{"keep":true}"#))
                #expect(await recorder.authorizations == ["Bearer city-upstream-key"])

                let log = try await Self.logText(gate, directory)
                for value in Self.raw { #expect(!log.contains(value)) }
                #expect(!log.contains("city-upstream-key"))
                #expect(log.contains(#""event":"request.screened""#) && log.contains(#""event":"response.completed""#))
                #expect(log.contains(#""actor":"jdoe""#))
            }
        }
    }

    @Test("streaming: placeholders split across upstream chunks are restored; array content is screened")
    func streamed() async throws {
        let recorder = UpstreamRecorder()
        try await LiveServer.with(FakeUpstream.router(recorder)) { upstream in
            try await Self.withGate(upstream: upstream.baseURL) { gate, directory in
                let response = await gate.openAIChatCompletions(
                    body: Self.chatBody(Self.prompt, stream: true, parts: true), context: RequestContext())
                guard case .stream = response else {
                    Issue.record("expected a stream, got \(response.status)")
                    return
                }
                let text = String(decoding: try await response.collectBody(), as: UTF8.self)
                var content = ""
                for data in eventData(text) where data != "[DONE]" {
                    let chunk = try JSONParser.parse(data)
                    content += chunk["choices"]?.arrayValue?.first?["delta"]?["content"]?.stringValue ?? ""
                }
                #expect(content == "You said: " + Self.prompt)
                #expect(text.hasSuffix("data: [DONE]\n\n"))
                let sent = try #require(await recorder.bodies.first)
                for value in Self.raw { #expect(!sent.contains(value)) }
                let log = try await Self.logText(gate, directory)
                for value in Self.raw { #expect(!log.contains(value)) }
                #expect(log.contains(#""event":"response.completed""#))
            }
        }
    }

    @Test("a block rule stops the prompt: 403 in OpenAI's shape, not retried, nothing sent, recorded")
    func blocked() async throws {
        let packs = try PackLoader.loadDirectory(repositoryRoot + "/guidelines/packs")
        let recorder = UpstreamRecorder()
        try await LiveServer.with(FakeUpstream.router(recorder)) { upstream in
            try await Self.withGate(upstream: upstream.baseURL, packs: packs) { gate, directory in
                let response = await gate.openAIChatCompletions(
                    body: Self.chatBody("CONFIDENTIAL memo for jane@example.org"), context: RequestContext())
                #expect(response.status == 403)
                #expect(response.headers.contains { $0.name.canonicalName == "x-should-retry" && $0.value == "false" })
                let error = try JSONParser.parse(try await response.collectBody())
                let message = try #require(error["error"]?["message"]?.stringValue)
                #expect(message.contains("not for public release") && message.contains("San José"))
                #expect(await recorder.bodies.isEmpty)
                let log = try await Self.logText(gate, directory)
                #expect(log.contains(#""event":"request.blocked""#))
                #expect(!log.contains("jane@example.org"))
            }
        }
    }

    @Test("fail closed: when the audit log cannot record, nothing goes upstream; 503 with Retry-After in each shape")
    func auditUnavailable() async throws {
        let recorder = UpstreamRecorder()
        try await LiveServer.with(FakeUpstream.router(recorder)) { upstream in
            try await withTemporaryDirectory { directory in
                var configuration = GateConfiguration(
                    upstreamBaseURL: upstream.baseURL + "/v1", upstreamAPIKey: Secret("city-upstream-key"),
                    packs: try PackLoader.loadDirectory(repositoryRoot + "/guidelines/packs"),
                    dataDirectory: directory, logOrigin: "test.example/gate")
                configuration.anthropicBaseURL = upstream.baseURL + "/v1"
                configuration.ollamaBaseURL = upstream.baseURL
                let (gate, _) = try await Gate.start(configuration)
                try await gate.auditLog.close()
                let anthropic = JSONValue.object([
                    ("model", .string("claude-test")), ("max_tokens", .int(16)),
                    ("messages", .array([.object([("role", .string("user")), ("content", .string(Self.prompt))])])),
                ]).serializedBytes()
                let responses = [
                    await gate.openAIChatCompletions(body: Self.chatBody(Self.prompt), context: RequestContext()),
                    await gate.anthropicMessages(body: anthropic, context: RequestContext()),
                    await gate.ollamaChat(body: Self.chatBody(Self.prompt), context: RequestContext()),
                ]
                for response in responses {
                    #expect(response.status == 503)
                    #expect(response.headers[.retryAfter] == "2")
                    #expect(response.headers[.init("x-should-retry")!] == "true")
                }
                var bodies: [JSONValue] = []
                for response in responses { bodies.append(try JSONParser.parse(try await response.collectBody())) }
                #expect(bodies[0]["error"]?["code"]?.stringValue == "promptgate_audit_unavailable")
                #expect(bodies[1]["type"]?.stringValue == "error")
                #expect(bodies[1]["error"]?["type"]?.stringValue == "api_error")
                #expect(bodies[1]["error"]?["message"]?.stringValue?.contains("audit log") == true)
                #expect(bodies[2]["error"]?.stringValue?.contains("audit log") == true)
                #expect(await recorder.bodies.isEmpty)
                try? await gate.shutdown()
            }
        }
    }

    @Test("an audit failure that is not the store being unavailable stays a 500, not retried")
    func auditFailed() {
        #expect(GateFailure.audit(AuditLogError.unavailable("database down")).status == 503)
        #expect(GateFailure.audit(AuditLogError.io(path: "audit.log", reason: "No space left on device")).status == 503)
        let failed = GateFailure.audit(AuditLogError.badKey("a retention key that is not 256 bits"))
        #expect(failed.status == 500 && failed.retryAfterSeconds == nil)
        #expect(failed.code == "promptgate_audit_failed")
        let response = Gate.rejection(
            failed, endpoint: Endpoint.all.first { $0.path == "/v1/chat/completions" }!, context: RequestContext())
        #expect(response.headers[.retryAfter] == nil)
        #expect(response.headers[.init("x-should-retry")!] == "false")
    }

    @Test("an unreachable upstream is a 502 in shape, recorded after the request entry")
    func unreachable() async throws {
        try await Self.withGate(upstream: "http://127.0.0.1:\(closedPort())") { gate, directory in
            let response = await gate.openAIChatCompletions(body: Self.chatBody("hello"), context: RequestContext())
            #expect(response.status == 502)
            let error = try JSONParser.parse(try await response.collectBody())
            #expect(error["error"]?["code"]?.stringValue == "upstream_unreachable")
            let log = try await Self.logText(gate, directory)
            let screened = try #require(log.range(of: #""event":"request.screened""#))
            let failed = try #require(log.range(of: #""event":"response.failed""#))
            #expect(screened.lowerBound < failed.lowerBound)
        }
    }

    @Test(
        "malformed JSON, wrong shapes and oversized bodies are 4xx and never forwarded",
        arguments: [
            ("{not json", 400), (#"{"model":"m"}"#, 400), (#"{"messages":"hi"}"#, 400), (#"[1,2]"#, 400),
        ])
    func badRequests(body: String, status: Int) async throws {
        let recorder = UpstreamRecorder()
        try await LiveServer.with(FakeUpstream.router(recorder)) { upstream in
            try await Self.withGate(upstream: upstream.baseURL) { gate, _ in
                let response = await gate.openAIChatCompletions(body: Array(body.utf8), context: RequestContext())
                #expect(response.status == status)
                #expect(await recorder.bodies.isEmpty)
            }
        }
    }

    @Test("an upstream that drops mid-stream gives an in-band error frame and a response.failed entry")
    func midStreamDrop() async throws {
        let recorder = UpstreamRecorder()
        try await LiveServer.with(FakeUpstream.router(recorder)) { upstream in
            try await Self.withGate(upstream: upstream.baseURL) { gate, directory in
                let response = await gate.openAIChatCompletions(
                    body: Self.chatBody("please drop this, maria@example.org", stream: true), context: RequestContext())
                let text = String(decoding: try await response.collectBody(), as: UTF8.self)
                #expect(text.contains(#"data: {"error":"#))
                #expect(!text.contains("[DONE]"))
                let log = try await Self.logText(gate, directory)
                #expect(log.contains(#""event":"response.failed""#))
            }
        }
    }
}

/// The `data:` payloads of an event-stream text.
func eventData(_ text: String) -> [String] {
    text.components(separatedBy: "\n\n").compactMap { block in
        block.hasPrefix("data: ") ? String(block.dropFirst(6)) : nil
    }
}
