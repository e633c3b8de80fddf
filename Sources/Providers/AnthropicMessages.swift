import JSONCore

/// Anthropic Messages (`POST /v1/messages`): where text hides in a request, how answers carry it back, and the
/// error shape the anthropic SDK understands.
public enum AnthropicMessages {
    /// Decodes a request body and finds every text slot: `system` (string or text blocks), message content
    /// (string or blocks: `text`, `thinking`, every string inside a `tool_use` input, `tool_result` content), and
    /// tool descriptions. Images and documents are listed as unscreened.
    public static func extract(_ body: JSONValue) throws(RequestDecodingError) -> ExtractedRequest {
        let messages = try ExtractedRequest.messages(of: body)
        var slots: [TextSlot] = []
        var unscreened: [String] = []
        try blocks(body["system"], at: [.key("system")], into: &slots, unscreened: &unscreened, what: "system")
        for (i, message) in messages.enumerated() {
            guard message.isObject else { throw RequestDecodingError("messages[\(i)] must be an object") }
            try blocks(
                message["content"], at: [.key("messages"), .index(i), .key("content")], into: &slots,
                unscreened: &unscreened, what: "messages[\(i)].content")
        }
        slots += ExtractedRequest.toolDescriptions(of: body, at: [.key("description")])
        return ExtractedRequest(
            body: body, slots: slots, unscreened: unscreened, model: body["model"]?.stringValue,
            stream: body["stream"]?.boolValue ?? false)
    }

    /// A string, or an array of content blocks.
    private static func blocks(
        _ value: JSONValue?, at path: [JSONPathComponent], into slots: inout [TextSlot], unscreened: inout [String],
        what: String
    ) throws(RequestDecodingError) {
        switch value {
        case nil, .null?: return
        case .string(let text)?: slots.append(TextSlot(path: path, text: text))
        case .array(let list)?:
            for (j, block) in list.enumerated() {
                let blockPath = path + [.index(j)]
                switch block["type"]?.stringValue {
                case "text": TextSlot.strings(in: block["text"], at: blockPath + [.key("text")], into: &slots)
                case "thinking":
                    TextSlot.strings(in: block["thinking"], at: blockPath + [.key("thinking")], into: &slots)
                case "tool_use": TextSlot.strings(in: block["input"], at: blockPath + [.key("input")], into: &slots)
                case "tool_result":
                    try blocks(
                        block["content"], at: blockPath + [.key("content")], into: &slots, unscreened: &unscreened,
                        what: what)
                case "redacted_thinking": break  // encrypted by the provider: nothing readable to screen
                default:
                    unscreened.append("\(describe(blockPath)) (\(block["type"]?.stringValue ?? "unknown"))")
                }
            }
        default: throw RequestDecodingError("\(what) must be a string or an array of content blocks")
        }
    }

    /// Applies `transform` to every text of a (non-streaming) response: text and thinking blocks, and every string
    /// in a `tool_use` input. Returns the texts as the upstream sent them.
    public static func transformResponse(_ body: inout JSONValue, _ transform: (String) -> String) -> [String] {
        guard body["content"]?.arrayValue != nil else { return [] }
        var slots: [TextSlot] = []
        var ignored: [String] = []
        try? blocks(body["content"], at: [.key("content")], into: &slots, unscreened: &ignored, what: "content")
        for slot in slots { body.set(.string(transform(slot.text)), at: slot.path[...]) }
        return slots.map(\.text)
    }

    /// Adds a text block with `text` at the end of the answer (a disclosure notice).
    public static func appendToContent(_ body: inout JSONValue, _ text: String) {
        guard var content = body["content"]?.arrayValue else { return }
        content.append(.object([("type", .string("text")), ("text", .string(text))]))
        body.set(.array(content), at: [JSONPathComponent.key("content")][...])
    }

    /// Token usage of a response (`usage.input_tokens`, `usage.output_tokens`).
    public static func usage(_ body: JSONValue) -> (prompt: Int?, completion: Int?) {
        (body["usage"]?["input_tokens"]?.intValue, body["usage"]?["output_tokens"]?.intValue)
    }

    /// `{"type":"error","error":{"type","message"}}`, with Anthropic's error type for an HTTP status.
    public static func errorBody(status: Int, message: String) -> JSONValue {
        .object([
            ("type", .string("error")),
            ("error", .object([("type", .string(errorType(status: status))), ("message", .string(message))])),
        ])
    }

    /// Anthropic's documented error types by HTTP status.
    public static func errorType(status: Int) -> String {
        switch status {
        case 400: return "invalid_request_error"
        case 401: return "authentication_error"
        case 403: return "permission_error"
        case 404: return "not_found_error"
        case 413: return "request_too_large"
        case 429: return "rate_limit_error"
        case 529: return "overloaded_error"
        default: return "api_error"
        }
    }
}
