/// What a stream rewriter does to the text it finds in a stream: the gate restores placeholders (and later screens
/// output). Text arrives per slot (e.g. `0.content`, the first choice's content; `0.tool.1`, its second tool call's
/// arguments); a transformer may hold text back and must return it from ``finish(slot:)``.
public protocol StreamTextTransformer {
    mutating func transform(_ text: String, slot: String) -> String
    mutating func finish(slot: String) -> String
    /// The whole of a text the protocol repeats in full after streaming it (Responses `*.done` events): restored
    /// at once, outside any slot. `json`: the text is JSON (tool-call arguments).
    func transformWhole(_ text: String, json: Bool) -> String
}
