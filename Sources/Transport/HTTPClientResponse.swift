import HTTPTypes

/// The head of an upstream response and its body, which arrives as it is received.
public struct HTTPClientResponse: Sendable {
    public var status: Int
    /// Header fields of the final response (1xx interim responses are skipped), in order.
    public var headers: HTTPFields
    public var body: ResponseBody

    /// The first value of a header field, matched without regard to case (`nil` for a name that is not a token).
    public func header(_ name: String) -> String? {
        HTTPField.Name(name).flatMap { headers[fields: $0].first?.value }
    }
}

/// A response body as an async sequence of byte chunks, read once.
///
/// Reading is what drives the transfer: when the consumer falls behind by more than
/// ``TransportConfiguration/maxBufferedBytes`` the transfer pauses until it catches up, so a slow client cannot grow
/// memory without bound. Dropping the body (or cancelling the reading task) cancels the transfer.
public struct ResponseBody: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    let handle: BodyHandle

    public struct AsyncIterator: AsyncIteratorProtocol, Sendable {
        let handle: BodyHandle
        public mutating func next() async throws -> [UInt8]? { try await handle.transfer.nextChunk() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(handle: handle) }

    /// Reads the whole body, refusing more than `limit` bytes.
    public func collect(upTo limit: Int) async throws -> [UInt8] {
        var all: [UInt8] = []
        for try await chunk in self {
            // A body that came in one piece (most answers) is taken as it is, not copied.
            if all.isEmpty { all = chunk } else { all.append(contentsOf: chunk) }
            if all.count > limit { throw TransportError.responseTooLarge(limit: limit) }
        }
        return all
    }

    /// Stops the transfer now; readers see a cancellation error.
    public func cancel() { handle.transfer.cancel() }
}

/// Owns the consumer's side of a transfer; when the last copy of a body goes away, the transfer is cancelled.
final class BodyHandle: Sendable {
    let transfer: Transfer
    init(transfer: Transfer) { self.transfer = transfer }
    deinit { transfer.cancel() }
}
