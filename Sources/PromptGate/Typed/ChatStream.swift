import JSONCore
import Providers

/// A streamed answer through the typed API: the text as it comes, placeholders restored, with what the gate did to
/// the prompt known before the first piece.
public struct ChatStream: AsyncSequence, Sendable {
    public typealias Element = String

    enum Source: Sendable {
        case whole(String)
        case events(GateStream)
    }

    let source: Source
    /// What happened to the prompt (a blocked prompt never makes a stream: ``ChatBlocked`` is thrown instead).
    public let decision: Decision
    /// What the screener found in the prompt (never the values).
    public let findings: [FindingSummary]
    /// Warnings for the employee known when the answer started (registry notices).
    public let warnings: [String]
    /// The sequence number of the prompt's audit entry.
    public let entrySequence: Int?
    public let requestID: String

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(stream: self) }

    /// Yields text deltas; throws ``ChatBlocked`` or ``ChatFailed`` if the stream ends in an error.
    public struct AsyncIterator: AsyncIteratorProtocol {
        private var whole: String?
        private var bytes: GateStream.AsyncIterator?
        private var parser = ServerSentEventParser()
        private var pending: [String] = []
        private var ended = false
        private let requestID: String
        private let findings: [FindingSummary]
        private let entrySequence: Int?

        init(stream: ChatStream) {
            switch stream.source {
            case .whole(let text): whole = text
            case .events(let events): bytes = events.makeAsyncIterator()
            }
            requestID = stream.requestID
            findings = stream.findings
            entrySequence = stream.entrySequence
        }

        public mutating func next() async throws -> String? {
            if let text = whole {
                whole = nil
                return text.isEmpty ? nil : text
            }
            while true {
                if !pending.isEmpty { return pending.removeFirst() }
                if ended { return nil }
                guard let chunk = try await bytes?.next() else {
                    ended = true
                    if let last = parser.finish() { try take(last) }
                    continue
                }
                for event in try parser.feed(chunk) { try take(event) }
            }
        }

        /// One event: a delta's text, the end, or an in-band error.
        private mutating func take(_ event: ServerSentEvent) throws {
            if event.data == "[DONE]" {
                ended = true
                return
            }
            guard let json = try? JSONParser.parse(Array(event.data.utf8)) else { return }
            if let error = json["error"] {
                let message = error["message"]?.stringValue ?? "the stream ended with an error"
                if error["code"]?.stringValue == GateFailure.blocked("").code {
                    throw ChatBlocked(
                        message: message, findings: findings, entrySequence: entrySequence, requestID: requestID)
                }
                throw ChatFailed(status: 502, message: message, requestID: requestID)
            }
            if let text = json["choices"]?[0]?["delta"]?["content"]?.stringValue, !text.isEmpty {
                pending.append(text)
            }
        }
    }
}
