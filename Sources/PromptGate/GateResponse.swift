import HTTPTypes

/// What the gate answers a client: a complete body, or a live stream. Errors of every cause come from one place
/// (``Gate/handle(_:headers:body:limits:)`` and the endpoint methods), in the endpoint's error shape.
public enum GateResponse: Sendable {
    case complete(status: Int, headers: HTTPFields, body: [UInt8])
    case stream(status: Int, headers: HTTPFields, body: GateStream)

    public var status: Int {
        switch self {
        case .complete(let status, _, _), .stream(let status, _, _): return status
        }
    }

    public var headers: HTTPFields {
        switch self {
        case .complete(_, let headers, _), .stream(_, let headers, _): return headers
        }
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
