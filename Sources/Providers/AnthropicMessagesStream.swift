import JSONCore

/// Rewrites an Anthropic Messages event stream event by event: the text of every content block (`text_delta`,
/// `thinking_delta`, and a tool call's `input_json_delta`) goes through the transformer per block; what it holds
/// back goes out as one more delta of that block right before its `content_block_stop`, so nothing waits for the
/// end of the stream and nothing is lost. Unknown events pass through untouched.
public struct AnthropicMessagesStreamRewriter<Transformer: StreamTextTransformer>: ChatStreamRewriting {
    /// Sees every piece of text: a content block is slot (block index), JSON for a tool call's input.
    public var transformer: Transformer
    public private(set) var usage: (prompt: Int?, completion: Int?) = (nil, nil)
    public private(set) var sawEnd = false
    /// Per open block index, its slot, delta type and the delta's text field.
    private var open: [Int: (slot: StreamSlot, deltaType: String, field: String)] = [:]
    private var lastIndex = -1

    public init(transformer: Transformer) { self.transformer = transformer }

    /// Per delta type, the field its text is in and what kind of text that is.
    private static var deltaKinds: [String: (field: String, kind: StreamSlot.Kind)] {
        [
            "text_delta": ("text", .text), "thinking_delta": ("thinking", .text),
            "input_json_delta": ("partial_json", .json),
        ]
    }

    public mutating func rewrite(_ event: ServerSentEvent) -> [ServerSentEvent] {
        guard var body = try? JSONParser.parse(event.data), body.isObject else { return [event] }
        switch body["type"]?.stringValue ?? event.event {
        case "message_start":
            if let input = body["message"]?["usage"]?["input_tokens"]?.intValue { usage.prompt = input }
        case "message_delta":
            if let output = body["usage"]?["output_tokens"]?.intValue { usage.completion = output }
            if let input = body["usage"]?["input_tokens"]?.intValue { usage.prompt = input }
        case "message_stop":
            sawEnd = true
            return finish() + [event]
        case "content_block_start":
            lastIndex = max(lastIndex, body["index"]?.intValue ?? lastIndex)
        case "content_block_delta":
            guard let index = body["index"]?.intValue, let delta = body["delta"] else { return [event] }
            lastIndex = max(lastIndex, index)
            guard let type = delta["type"]?.stringValue, let kind = Self.deltaKinds[type],
                case .string(let text)? = delta[kind.field]
            else { return [event] }
            let slot = StreamSlot(index: index, kind: kind.kind)
            open[index] = (slot, type, kind.field)
            body.set(.string(transformer.transform(text, in: slot)), at: [.key("delta"), .key(kind.field)][...])
            return [ServerSentEvent(event: event.event, data: body.serialized())]
        case "content_block_stop":
            if let index = body["index"]?.intValue { return flush(index) + [event] }
        default: break
        }
        return [event]
    }

    public mutating func finish() -> [ServerSentEvent] { open.keys.sorted().flatMap { flush($0) } }

    private mutating func flush(_ index: Int) -> [ServerSentEvent] {
        guard let (slot, type, field) = open.removeValue(forKey: index) else { return [] }
        let held = transformer.finish(slot)
        guard !held.isEmpty else { return [] }
        return [Self.delta(index: index, type: type, field: field, text: held)]
    }

    private static func delta(index: Int, type: String, field: String, text: String) -> ServerSentEvent {
        ServerSentEvent(
            event: "content_block_delta",
            data: JSONValue.object([
                ("type", .string("content_block_delta")), ("index", .int(index)),
                ("delta", .object([("type", .string(type)), (field, .string(text))])),
            ]).serialized())
    }

    public func isEnd(_ event: ServerSentEvent) -> Bool { event.event == "message_delta" }

    /// A text block of its own after the last one.
    public func noticeEvents(_ text: String) -> [ServerSentEvent] {
        let index = lastIndex + 1
        return [
            ServerSentEvent(
                event: "content_block_start",
                data: JSONValue.object([
                    ("type", .string("content_block_start")), ("index", .int(index)),
                    ("content_block", .object([("type", .string("text")), ("text", .string(""))])),
                ]).serialized()),
            Self.delta(index: index, type: "text_delta", field: "text", text: text),
            ServerSentEvent(
                event: "content_block_stop",
                data: JSONValue.object([("type", .string("content_block_stop")), ("index", .int(index))]).serialized()),
        ]
    }

    public func errorEvent(status: Int, message: String, type: String, code: String) -> ServerSentEvent {
        ServerSentEvent(
            event: "error", data: AnthropicMessages.errorBody(status: status, message: message).serialized())
    }
}

extension AnthropicMessagesStreamRewriter: Sendable where Transformer: Sendable {}
