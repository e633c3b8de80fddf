import JSONCore

/// OpenAI Chat Completions (`POST /v1/chat/completions`): where text hides in a request, how answers carry it back,
/// and the error shape clients understand.
public enum OpenAIChat {
    /// Decodes a request body and finds every text slot: string and array-of-parts content, `name`, `user`, tool
    /// definitions' descriptions, tool-call arguments (JSON in a string) and tool results.
    public static func extract(_ body: JSONValue) throws(RequestDecodingError) -> ExtractedRequest {
        let messages = try ExtractedRequest.messages(of: body)
        var slots: [TextSlot] = []
        var unscreened: [String] = []
        func add(_ value: JSONValue?, _ path: [JSONPathComponent]) {
            if case .string(let text)? = value { slots.append(TextSlot(path: path, text: text)) }
        }
        for (i, message) in messages.enumerated() {
            let base: [JSONPathComponent] = [.key("messages"), .index(i)]
            guard message.isObject else { throw RequestDecodingError("messages[\(i)] must be an object") }
            switch message["content"] {
            case .string(let text)?:
                slots.append(TextSlot(path: base + [.key("content")], text: text))
            case .array(let parts)?:
                for (j, part) in parts.enumerated() {
                    let partPath = base + [.key("content"), .index(j)]
                    if case .string(let text)? = part["text"] {
                        slots.append(TextSlot(path: partPath + [.key("text")], text: text))
                    } else if case .string(let text)? = part["refusal"] {
                        slots.append(TextSlot(path: partPath + [.key("refusal")], text: text))
                    } else {
                        let type = part["type"]?.stringValue ?? "unknown"
                        unscreened.append("\(describe(partPath)) (\(type))")
                    }
                }
            case nil, .null?: break
            default: throw RequestDecodingError("messages[\(i)].content must be a string or an array of parts")
            }
            add(message["name"], base + [.key("name")])
            if let calls = message["tool_calls"]?.arrayValue {
                for (k, _) in calls.enumerated() {
                    let path = base + [.key("tool_calls"), .index(k), .key("function"), .key("arguments")]
                    add(body[path: path], path)
                }
            }
            add(message["function_call"]?["arguments"], base + [.key("function_call"), .key("arguments")])
        }
        add(body["user"], [.key("user")])
        slots += ExtractedRequest.toolDescriptions(of: body, at: [.key("function"), .key("description")])
        return ExtractedRequest(
            body: body, slots: slots, unscreened: unscreened, model: body["model"]?.stringValue,
            stream: body["stream"]?.boolValue ?? false)
    }

    /// Applies `transform` to every text of a (non-streaming) response: message content and tool-call arguments
    /// (for which `transform`'s second argument, "this text is JSON", is true). Returns the texts as the upstream
    /// sent them.
    public static func transformResponse(_ body: inout JSONValue, _ transform: (String, Bool) -> String) -> [String] {
        guard let choices = body["choices"]?.arrayValue else { return [] }
        var seen: [String] = []
        for (i, choice) in choices.enumerated() {
            let message: [JSONPathComponent] = [.key("choices"), .index(i), .key("message")]
            var paths: [[JSONPathComponent]] = [message + [.key("content")], message + [.key("refusal")]]
            if let calls = choice["message"]?["tool_calls"]?.arrayValue {
                for k in calls.indices {
                    paths.append(message + [.key("tool_calls"), .index(k), .key("function"), .key("arguments")])
                }
            }
            for (k, path) in paths.enumerated() {
                if case .string(let text)? = body[path: path] {
                    seen.append(text)
                    body.set(.string(transform(text, k >= 2)), at: path[...])
                }
            }
        }
        return seen
    }

    /// Appends `text` to every choice's message content (a disclosure notice).
    public static func appendToContent(_ body: inout JSONValue, _ text: String) {
        guard let choices = body["choices"]?.arrayValue else { return }
        for i in choices.indices {
            let path: [JSONPathComponent] = [.key("choices"), .index(i), .key("message"), .key("content")]
            if case .string(let content)? = body[path: path] { body.set(.string(content + text), at: path[...]) }
        }
    }

    /// Token usage of a response or final stream chunk.
    public static func usage(_ body: JSONValue) -> (prompt: Int?, completion: Int?) {
        (body["usage"]?["prompt_tokens"]?.intValue, body["usage"]?["completion_tokens"]?.intValue)
    }

    /// `{"error":{"message","type","param","code"}}`.
    public static func errorBody(message: String, type: String, code: String?) -> JSONValue {
        .object([
            (
                "error",
                .object([
                    ("message", .string(message)), ("type", .string(type)), ("param", .null),
                    ("code", code.map { .string($0) } ?? .null),
                ])
            )
        ])
    }
}
