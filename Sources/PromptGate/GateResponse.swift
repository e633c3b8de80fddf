import JSONCore
import Providers

/// What the gate answers a client: a complete body, or a live stream.
public enum GateResponse: Sendable {
    case complete(status: Int, headers: [(name: String, value: String)], body: [UInt8])
    case stream(status: Int, headers: [(name: String, value: String)], body: GateStream)

    public var status: Int {
        switch self {
        case .complete(let status, _, _), .stream(let status, _, _): return status
        }
    }

    public var headers: [(name: String, value: String)] {
        switch self {
        case .complete(_, let headers, _), .stream(_, let headers, _): return headers
        }
    }

    /// An error in OpenAI's shape, marked so SDKs do not retry it (`x-should-retry: false`).
    public static func openAIError(status: Int, message: String, type: String, code: String, requestID: String)
        -> GateResponse
    {
        .complete(
            status: status,
            headers: [
                ("content-type", "application/json"), ("x-should-retry", "false"),
                ("x-promptgate-request-id", requestID),
            ],
            body: OpenAIChat.errorBody(message: message, type: type, code: code).serializedBytes())
    }

    /// An error in Anthropic's shape (`{"type":"error","error":{"type","message"}}`), not to be retried.
    public static func anthropicError(status: Int, message: String, requestID: String) -> GateResponse {
        .complete(
            status: status,
            headers: [
                ("content-type", "application/json"), ("x-should-retry", "false"),
                ("x-promptgate-request-id", requestID),
            ],
            body: AnthropicMessages.errorBody(status: status, message: message).serializedBytes())
    }

    /// An error in Ollama's shape (`{"error":"…"}`).
    public static func ollamaError(status: Int, message: String, requestID: String) -> GateResponse {
        .complete(
            status: status,
            headers: [("content-type", "application/json"), ("x-promptgate-request-id", requestID)],
            body: OllamaChat.errorBody(message: message).serializedBytes())
    }

    /// The whole body (reads a stream to its end).
    public func collectBody() async throws -> [UInt8] {
        switch self {
        case .complete(_, _, let body): return body
        case .stream(_, _, let stream):
            var all: [UInt8] = []
            for try await chunk in stream { all += chunk }
            return all
        }
    }
}

/// A response stream, pulled by the client: nothing is read from the upstream faster than the client takes it.
public struct GateStream: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    let session: any StreamSession

    public struct AsyncIterator: AsyncIteratorProtocol {
        let session: any StreamSession
        public mutating func next() async throws -> [UInt8]? { await session.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(session: session) }
}

/// One streamed answer in progress.
protocol StreamSession: Actor {
    func next() async -> [UInt8]?
}
