import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JSONCore
import NIOCore
import TestSupport
import Testing

@testable import PromptGate
@testable import PromptGateServer

/// The proxy in process (HummingbirdTesting's router framework, no socket), walking the gate's endpoint table: every
/// route refuses at the door in its own protocol's error shape, marked not to be retried.
@Suite("Server: every route of the endpoint table refuses in its protocol's shape")
struct EndpointRejectionTests {
    /// The server's body limit here: small, so a 413 needs no large body.
    static let limit = 1024
    static let key = UserDirectory.newKey()

    /// A proxy over a gate whose upstreams listen nowhere (nothing here may reach one). `allUpstreams`: Anthropic
    /// and Ollama configured too; `users`: a users file that knows ``key``.
    static func withProxy(
        allUpstreams: Bool = true, users: Bool = false, _ body: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let nowhere = "http://127.0.0.1:\(closedPort())"
        try await withTemporaryDirectory { directory in
            var configuration = GateConfiguration(
                upstreamBaseURL: nowhere + "/v1", packs: try GuidelineLoader.embedded(), dataDirectory: directory,
                logOrigin: "test.example/server")
            if allUpstreams {
                configuration.anthropicBaseURL = nowhere + "/v1"
                configuration.ollamaBaseURL = nowhere
            }
            if users {
                configuration.users = UserDirectory(
                    users: [(ProxyUser(id: "jdoe", department: "parks"), UserDirectory.hash(Self.key))])
            }
            let (gate, _) = try await Gate.start(configuration)
            do {
                let server = ProxyServer(
                    gate: gate, configuration: ServerConfiguration(port: 0, maxRequestBytes: Self.limit))
                try await server.makeApplication().test(.router, body)
                try await gate.shutdown()
            } catch {
                try? await gate.shutdown()
                throw error
            }
        }
    }

    /// A request to `endpoint` with the given body and headers (a JSON content type unless told otherwise).
    static func send(
        _ client: any TestClientProtocol, _ endpoint: Endpoint, body: String = #"{"model":"m","messages":[]}"#,
        headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = headers
        if headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await client.execute(
            uri: endpoint.path, method: endpoint.method, headers: headers,
            body: endpoint.takesBody ? ByteBuffer(string: body) : nil)
    }

    /// Checks `response` is a refusal with `status` in `endpoint`'s error shape, and that no SDK will resend it.
    static func expectRejection(
        _ response: TestResponse, _ status: Int, _ endpoint: Endpoint, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(response.status.code == status, "\(endpoint)", sourceLocation: sourceLocation)
        // The OpenAI and Anthropic SDKs honour it; Ollama's gets it too, from the same path.
        #expect(response.headers[.shouldRetry] == "false", "\(endpoint)", sourceLocation: sourceLocation)
        #expect(response.headers[.promptGateRequestID]?.hasPrefix("pg-") == true, sourceLocation: sourceLocation)
        #expect(response.headers[.contentType] == "application/json", sourceLocation: sourceLocation)
        let json = try JSONParser.parse(String(buffer: response.body))
        switch endpoint.errorShape {
        case .openAI:
            let error = json["error"]
            #expect(error?["message"]?.stringValue?.isEmpty == false, "\(endpoint)", sourceLocation: sourceLocation)
            #expect(error?["type"]?.stringValue != nil, "\(endpoint)", sourceLocation: sourceLocation)
            #expect(error?["code"]?.stringValue != nil, "\(endpoint)", sourceLocation: sourceLocation)
        case .anthropic:
            #expect(json["type"]?.stringValue == "error", "\(endpoint)", sourceLocation: sourceLocation)
            #expect(json["error"]?["type"]?.stringValue != nil, "\(endpoint)", sourceLocation: sourceLocation)
            #expect(json["error"]?["message"]?.stringValue?.isEmpty == false, sourceLocation: sourceLocation)
        case .ollama:
            #expect(json["error"]?.stringValue?.isEmpty == false, "\(endpoint)", sourceLocation: sourceLocation)
        }
    }

    @Test("the table holds every route once, and only POST routes take a body")
    func table() {
        let routes = Endpoint.all.map(\.description)
        #expect(Set(routes).count == routes.count)
        #expect(
            Set(routes) == [
                "GET /v1/models", "POST /v1/chat/completions", "POST /v1/responses", "POST /v1/embeddings",
                "POST /api/chat", "POST /v1/messages",
            ])
        #expect(Endpoint.all.filter(\.takesBody).count == 5)
    }

    @Test("a body over the limit is 413, and the connection is closed", arguments: Endpoint.all.filter(\.takesBody))
    func tooLarge(_ endpoint: Endpoint) async throws {
        try await Self.withProxy { client in
            let padding = String(repeating: "x", count: 4 * Self.limit)
            let body = #"{"model":"m","messages":[],"padding":""# + padding + "\"}"
            let response = try await Self.send(client, endpoint, body: body)
            try Self.expectRejection(response, 413, endpoint)
            #expect(response.headers[.connection] == "close")
        }
    }

    @Test("a body that is not JSON is 415", arguments: Endpoint.all.filter(\.takesBody))
    func notJSON(_ endpoint: Endpoint) async throws {
        try await Self.withProxy { client in
            let response = try await Self.send(client, endpoint, headers: [.contentType: "text/plain"])
            try Self.expectRejection(response, 415, endpoint)
        }
    }

    @Test("a body that does not parse is 400", arguments: Endpoint.all.filter(\.takesBody))
    func badJSON(_ endpoint: Endpoint) async throws {
        try await Self.withProxy { client in
            try Self.expectRejection(try await Self.send(client, endpoint, body: "{not json"), 400, endpoint)
        }
    }

    @Test("with a users file, an unknown key is 401 on every route", arguments: Endpoint.all)
    func unknownKey(_ endpoint: Endpoint) async throws {
        try await Self.withProxy(users: true) { client in
            let bearer = try await Self.send(client, endpoint, headers: [.authorization: "Bearer sk-someone-elses"])
            try Self.expectRejection(bearer, 401, endpoint)
            let apiKey = try await Self.send(client, endpoint, headers: [.apiKey: "sk-someone-elses"])
            try Self.expectRejection(apiKey, 401, endpoint)
            // A known key passes the door (and then fails on its body, far from any upstream).
            if endpoint.takesBody {
                let known = try await Self.send(
                    client, endpoint, body: "{not json", headers: [.authorization: "Bearer \(Self.key)"])
                try Self.expectRejection(known, 400, endpoint)
            }
        }
    }

    @Test(
        "a route whose upstream is not configured is 404",
        arguments: Endpoint.all.filter { $0.upstream != .openAI })
    func unconfiguredUpstream(_ endpoint: Endpoint) async throws {
        try await Self.withProxy(allUpstreams: false) { client in
            let response = try await Self.send(client, endpoint)
            try Self.expectRejection(response, 404, endpoint)
            if endpoint.errorShape == .anthropic {
                let json = try JSONParser.parse(String(buffer: response.body))
                #expect(json["error"]?["type"]?.stringValue == "not_found_error")
            }
        }
    }

    @Test("the 401's text and code are the same on every route, in each shape")
    func oneMessage() async throws {
        try await Self.withProxy(users: true) { client in
            var messages: Set<String> = []
            for endpoint in Endpoint.all {
                let response = try await Self.send(client, endpoint, headers: [.authorization: "Bearer nobody"])
                let json = try JSONParser.parse(String(buffer: response.body))
                let message = json["error"]?["message"]?.stringValue ?? json["error"]?.stringValue
                messages.insert(try #require(message))
                if endpoint.errorShape == .openAI { #expect(json["error"]?["code"]?.stringValue == "invalid_api_key") }
            }
            #expect(messages.count == 1)
        }
    }
}

extension Endpoint: CustomTestStringConvertible {
    public var testDescription: String { description }
}
