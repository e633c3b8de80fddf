import JSONCore

/// What the gate needs from a protocol's event-stream rewriter: each upstream event in, the events for the client
/// out, with text restored slot by slot and nothing held back past the end of its block.
public protocol ChatStreamRewriting {
    /// The events to send to the client for one upstream event.
    mutating func rewrite(_ event: ServerSentEvent) -> [ServerSentEvent]
    /// Events for text still held when the upstream ended (or broke off).
    mutating func finish() -> [ServerSentEvent]
    /// The text as the upstream sent it, per slot, kept for the audit log up to a limit.
    var logged: LoggedText { get }
    var usage: (prompt: Int?, completion: Int?) { get }
    /// Whether the protocol's end-of-stream event arrived (`[DONE]`, `message_stop`).
    var sawEnd: Bool { get }
    /// Whether `event` ends the stream: a notice goes right before it.
    func isEnd(_ event: ServerSentEvent) -> Bool
    /// Events that add `text` to the answer (a disclosure notice).
    func noticeEvents(_ text: String) -> [ServerSentEvent]
    /// An in-band error in the protocol's own framing, which its SDK raises.
    func errorEvent(status: Int, message: String, type: String, code: String) -> ServerSentEvent
    /// Takes a disclosure notice to place itself, for protocols that repeat the text (Responses); `false` when the
    /// notice goes in as ``noticeEvents(_:)`` before the end event.
    mutating func carryNotice(_ text: String) -> Bool
}

extension ChatStreamRewriting {
    public mutating func carryNotice(_ text: String) -> Bool { false }
    /// The upstream's text per slot, as far as it was kept for the audit log.
    public var upstreamText: [String: String] { logged.slots }
    /// Bytes of upstream text past the logged-text limit, counted but not kept.
    public var upstreamTextDropped: Int { logged.dropped }
}

extension OpenAIChatStreamRewriter: ChatStreamRewriting {
    public var sawEnd: Bool { sawDone }
    public func isEnd(_ event: ServerSentEvent) -> Bool { event.data == "[DONE]" }
    public func noticeEvents(_ text: String) -> [ServerSentEvent] { [contentChunk(text)] }
    public func errorEvent(status: Int, message: String, type: String, code: String) -> ServerSentEvent {
        ServerSentEvent(data: OpenAIChat.errorBody(message: message, type: type, code: code).serialized())
    }
}
