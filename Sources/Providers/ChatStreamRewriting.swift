import JSONCore

/// What the gate needs from a protocol's event-stream rewriter: each upstream event in, the events for the client
/// out, every text handed to its ``transformer`` slot by slot and nothing held back past the end of its block.
public protocol ChatStreamRewriting<Transformer> {
    associatedtype Transformer: StreamTextTransformer
    /// The transformer that saw every piece of text: the caller reads what it gathered (the gate: the audit log's
    /// copy of the answer).
    var transformer: Transformer { get }
    /// The events to send to the client for one upstream event.
    mutating func rewrite(_ event: ServerSentEvent) -> [ServerSentEvent]
    /// Events for text still held when the upstream ended (or broke off).
    mutating func finish() -> [ServerSentEvent]
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
}

extension OpenAIChatStreamRewriter: ChatStreamRewriting {
    public var sawEnd: Bool { sawDone }
    public func isEnd(_ event: ServerSentEvent) -> Bool { event.data == "[DONE]" }
    public func noticeEvents(_ text: String) -> [ServerSentEvent] { [contentChunk(text)] }
    public func errorEvent(status: Int, message: String, type: String, code: String) -> ServerSentEvent {
        ServerSentEvent(data: OpenAIChat.errorBody(message: message, type: type, code: code).serialized())
    }
}
