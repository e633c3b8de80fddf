/// What a stream rewriter hands every text of a stream to, piece by piece, as async-http-client hands every part of
/// a response to its `HTTPClientResponseDelegate`. The rewriter only parses and re-emits the wire format; what
/// becomes of the text is the transformer's: the gate screens the answer, restores placeholders and keeps the audit
/// log's copy of the answer — everything that must see each piece in order sees it here, once.
///
/// Each piece comes with its ``StreamSlot``: where it belongs and whether it is JSON. A transformer may hold text
/// back (a placeholder split across pieces); it gives it back from ``finish(_:)``, which the rewriter calls before
/// the slot's end goes out (its block stops, its choice finishes, the stream ends or breaks off).
public protocol StreamTextTransformer {
    /// A piece of `slot`'s text, in stream order: returns the text to send in its place now.
    mutating func transform(_ piece: String, in slot: StreamSlot) -> String
    /// `slot` ends: returns the text still held for it.
    mutating func finish(_ slot: StreamSlot) -> String
    /// A text that arrives whole, in one event, and nowhere else (Ollama's tool calls): transformed at once, and
    /// part of `slot`'s text like a piece of it.
    mutating func transformWhole(_ text: String, in slot: StreamSlot) -> String
    /// A text the protocol repeats whole — streamed text again (the Responses API's `*.done` events and
    /// `response.completed`) or the request's own (its echoed `instructions`): transformed like the original, but
    /// no new text of the answer.
    mutating func transformRepeat(_ text: String, kind: StreamSlot.Kind) -> String
}
