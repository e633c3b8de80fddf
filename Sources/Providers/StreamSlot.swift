/// Which text of a streamed answer a piece belongs to, and what kind of text it is — told to the transformer
/// explicitly, so that nothing downstream decodes a name to guess whether a text is JSON.
///
/// A rewriter names each slot by where its text sits in the answer: ``index`` is the choice (OpenAI Chat
/// Completions), output item (OpenAI Responses) or content block (Anthropic Messages) — 0 for Ollama's one message —
/// and ``part`` the text within it where it has several: a tool call's index (Chat Completions), a content part's
/// index (Responses), Ollama's tool calls (part 0, all of them one text). Slots order by that position, as the
/// answer reads.
public struct StreamSlot: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// What a slot's text is, as far as a transformer must know: whether a value put into it must be escaped.
    public enum Kind: Hashable, Comparable, Sendable {
        /// Text as the model wrote it: message content, a content part, a thinking block, a string value of a tool
        /// call's arguments that arrive as a JSON object (Ollama).
        case text
        /// JSON source text streamed in pieces: a tool call's arguments as a string (OpenAI's `arguments`,
        /// Anthropic's `partial_json`). A value restored into it goes in as JSON string content.
        case json
    }

    public var index: Int
    public var part: Int?
    public var kind: Kind

    public init(index: Int, part: Int? = nil, kind: Kind) {
        self.index = index
        self.part = part
        self.kind = kind
    }

    public var isJSON: Bool { kind == .json }

    /// By position: the part's own text (no ``part``) before its numbered parts; kind only breaks a tie.
    public static func < (a: StreamSlot, b: StreamSlot) -> Bool {
        (a.index, a.part ?? -1, a.kind) < (b.index, b.part ?? -1, b.kind)
    }

    /// `0`, `0.1` or `0.1 json`, for test failures and debugging.
    public var description: String {
        "\(index)" + (part.map { ".\($0)" } ?? "") + (kind == .json ? " json" : "")
    }
}
