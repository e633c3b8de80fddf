import JSONCore

/// Ollama chat (`POST /api/chat`): where text hides in a request, how answers carry it back, and its error shape.
/// Ollama streams by default (`"stream"` absent means true) as NDJSON: one JSON object per line.
public enum OllamaChat {
    public static func extract(_ body: JSONValue) throws(RequestDecodingError) -> ExtractedRequest {
        let messages = try ExtractedRequest.messages(of: body)
        var slots: [TextSlot] = []
        var unscreened: [String] = []
        for (i, message) in messages.enumerated() {
            let base: [JSONPathComponent] = [.key("messages"), .index(i)]
            guard message.isObject else { throw RequestDecodingError("messages[\(i)] must be an object") }
            switch message["content"] {
            case .string(let text)?: slots.append(TextSlot(path: base + [.key("content")], text: text))
            case nil, .null?: break
            default: throw RequestDecodingError("messages[\(i)].content must be a string")
            }
            if let images = message["images"]?.arrayValue, !images.isEmpty {
                unscreened.append("\(describe(base + [.key("images")])) (\(images.count) image(s))")
            }
            if let calls = message["tool_calls"]?.arrayValue {
                for k in calls.indices {
                    let path = base + [.key("tool_calls"), .index(k), .key("function"), .key("arguments")]
                    TextSlot.strings(in: body[path: path], at: path, into: &slots)
                }
            }
        }
        slots += ExtractedRequest.toolDescriptions(of: body, at: [.key("function"), .key("description")])
        return ExtractedRequest(
            body: body, slots: slots, unscreened: unscreened, model: body["model"]?.stringValue,
            stream: body["stream"]?.boolValue ?? true)
    }

    /// Applies `transform` to the answer's message content and every string in its tool calls' arguments.
    public static func transformResponse(_ body: inout JSONValue, _ transform: (String) -> String) -> [String] {
        var slots: [TextSlot] = []
        if case .string(let text)? = body["message"]?["content"] {
            slots.append(TextSlot(path: [.key("message"), .key("content")], text: text))
        }
        if let calls = body["message"]?["tool_calls"]?.arrayValue {
            for k in calls.indices {
                let path: [JSONPathComponent] = [
                    .key("message"), .key("tool_calls"), .index(k), .key("function"), .key("arguments"),
                ]
                TextSlot.strings(in: body[path: path], at: path, into: &slots)
            }
        }
        for slot in slots { body.set(.string(transform(slot.text)), at: slot.path[...]) }
        return slots.map(\.text)
    }

    public static func appendToContent(_ body: inout JSONValue, _ text: String) {
        if case .string(let content)? = body["message"]?["content"] {
            body.set(.string(content + text), at: [.key("message"), .key("content")][...])
        }
    }

    /// `prompt_eval_count` and `eval_count` of the final object.
    public static func usage(_ body: JSONValue) -> (prompt: Int?, completion: Int?) {
        (body["prompt_eval_count"]?.intValue, body["eval_count"]?.intValue)
    }

    /// A streamed answer's content, as its rewriter hands it to the transformer.
    public static let contentSlot = StreamSlot(index: 0, kind: .text)
    /// The string values of a streamed answer's tool calls, all of them one text: they are values of a JSON object,
    /// serialized again around them, so plain text and not JSON.
    public static let toolCallsSlot = StreamSlot(index: 0, part: 0, kind: .text)

    /// `{"error":"…"}`.
    public static func errorBody(message: String) -> JSONValue { .object([("error", .string(message))]) }
}

/// Rewrites an Ollama NDJSON stream line by line (each line arrives as an event with no name): message content is
/// restored with a bounded hold-back; before the final `"done": true` line, held text goes out in a line of its
/// own. Tool calls arrive whole in one line and are transformed whole.
public struct OllamaChatStreamRewriter<Transformer: StreamTextTransformer>: ChatStreamRewriting {
    /// Sees every piece of text: the message's content is slot ``OllamaChat/contentSlot``; each string value of its
    /// tool calls' arguments (a JSON object, not JSON text) goes whole into ``OllamaChat/toolCallsSlot``.
    public var transformer: Transformer
    public private(set) var usage: (prompt: Int?, completion: Int?) = (nil, nil)
    public private(set) var sawEnd = false
    private var template: JSONValue?

    public init(transformer: Transformer) { self.transformer = transformer }

    public mutating func rewrite(_ event: ServerSentEvent) -> [ServerSentEvent] {
        guard var line = try? JSONParser.parse(event.data), line.isObject else { return [event] }
        if template == nil { template = line }
        var before: [ServerSentEvent] = []
        if case .string(let text)? = line["message"]?["content"] {
            line.set(
                .string(transformer.transform(text, in: OllamaChat.contentSlot)),
                at: [.key("message"), .key("content")][...])
        }
        if let calls = line["message"]?["tool_calls"]?.arrayValue {
            for k in calls.indices {
                let path: [JSONPathComponent] = [
                    .key("message"), .key("tool_calls"), .index(k), .key("function"), .key("arguments"),
                ]
                var slots: [TextSlot] = []
                TextSlot.strings(in: line[path: path], at: path, into: &slots)
                for slot in slots {
                    line.set(
                        .string(transformer.transformWhole(slot.text, in: OllamaChat.toolCallsSlot)), at: slot.path[...]
                    )
                }
            }
        }
        if line["done"]?.boolValue == true {
            sawEnd = true
            usage = OllamaChat.usage(line)
            before = finish()
        }
        return before + [ServerSentEvent(data: line.serialized())]
    }

    public mutating func finish() -> [ServerSentEvent] {
        let held = transformer.finish(OllamaChat.contentSlot)
        return held.isEmpty ? [] : [contentLine(held)]
    }

    private func contentLine(_ text: String) -> ServerSentEvent {
        var members: [(key: String, value: JSONValue)] = []
        for key in ["model", "created_at"] { if let value = template?[key] { members.append((key, value)) } }
        members.append(("message", .object([("role", .string("assistant")), ("content", .string(text))])))
        members.append(("done", .bool(false)))
        return ServerSentEvent(data: JSONValue.object(members).serialized())
    }

    public func isEnd(_ event: ServerSentEvent) -> Bool {
        (try? JSONParser.parse(event.data))?["done"]?.boolValue == true
    }

    public func noticeEvents(_ text: String) -> [ServerSentEvent] { [contentLine(text)] }

    public func errorEvent(status: Int, message: String, type: String, code: String) -> ServerSentEvent {
        ServerSentEvent(data: OllamaChat.errorBody(message: message).serialized())
    }
}

extension OllamaChatStreamRewriter: Sendable where Transformer: Sendable {}

/// Splits an NDJSON byte stream into lines, each as an unnamed event, with the same line-length bound as the
/// event-stream parser.
public struct NDJSONLineParser: Sendable {
    private var buffer: [UInt8] = []
    public var maxLineBytes = 8 << 20

    public init() {}

    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(RequestDecodingError) -> [ServerSentEvent] {
        buffer.append(contentsOf: bytes)
        var lines: [ServerSentEvent] = []
        var start = 0
        while let newline = buffer[start...].firstIndex(of: 0x0A) {
            var end = newline
            if end > start && buffer[end - 1] == 0x0D { end -= 1 }
            if end > start { lines.append(ServerSentEvent(data: String(decoding: buffer[start..<end], as: UTF8.self))) }
            start = newline + 1
        }
        buffer.removeSubrange(0..<start)
        if buffer.count > maxLineBytes { throw RequestDecodingError("an NDJSON line exceeds \(maxLineBytes) bytes") }
        return lines
    }

    public mutating func finish() -> ServerSentEvent? {
        defer { buffer.removeAll() }
        let rest = String(decoding: buffer, as: UTF8.self).trimmingSuffixWhitespace()
        return rest.isEmpty ? nil : ServerSentEvent(data: rest)
    }
}

extension String {
    fileprivate func trimmingSuffixWhitespace() -> String {
        var s = self
        while let last = s.last, last.isWhitespace { s.removeLast() }
        return s
    }
}
