import JSONCore

/// OpenAI Responses (`POST /v1/responses`): where text hides in a request (`instructions`, `input` as a string or a
/// list of items), how answers carry it back (every `output` item, and the echoed `instructions`), token usage.
public enum OpenAIResponses {
    public static func extract(_ body: JSONValue) throws(RequestDecodingError) -> ExtractedRequest {
        guard body.isObject else { throw RequestDecodingError("the request body must be a JSON object") }
        var slots: [TextSlot] = []
        var unscreened: [String] = []
        if case .string(let text)? = body["instructions"] {
            slots.append(TextSlot(path: [.key("instructions")], text: text))
        }
        switch body["input"] {
        case .string(let text)?: slots.append(TextSlot(path: [.key("input")], text: text))
        case .array(let items)?:
            for (i, item) in items.enumerated() {
                let path: [JSONPathComponent] = [.key("input"), .index(i)]
                guard item.isObject else { throw RequestDecodingError("input[\(i)] must be an object") }
                switch item["type"]?.stringValue ?? "message" {
                case "message":
                    switch item["content"] {
                    case .string(let text)?: slots.append(TextSlot(path: path + [.key("content")], text: text))
                    case .array(let parts)?:
                        for (j, part) in parts.enumerated() {
                            let partPath = path + [.key("content"), .index(j)]
                            if case .string(let text)? = part["text"] {
                                slots.append(TextSlot(path: partPath + [.key("text")], text: text))
                            } else {
                                unscreened.append("\(describe(partPath)) (\(part["type"]?.stringValue ?? "unknown"))")
                            }
                        }
                    default: throw RequestDecodingError("input[\(i)].content must be a string or an array of parts")
                    }
                case "function_call":
                    if case .string(let text)? = item["arguments"] {
                        slots.append(TextSlot(path: path + [.key("arguments")], text: text))
                    }
                case "function_call_output":
                    if case .string(let text)? = item["output"] {
                        slots.append(TextSlot(path: path + [.key("output")], text: text))
                    }
                case "reasoning", "item_reference": break  // provider-side state: no employee text to screen
                default: unscreened.append("\(describe(path)) (\(item["type"]?.stringValue ?? "unknown"))")
                }
            }
        case nil, .null?: break
        default: throw RequestDecodingError("'input' must be a string or a list of items")
        }
        slots += ExtractedRequest.toolDescriptions(of: body, at: [.key("description")])
        return ExtractedRequest(
            body: body, slots: slots, unscreened: unscreened, model: body["model"]?.stringValue,
            stream: body["stream"]?.boolValue ?? false)
    }

    /// Applies `transform` (text, is-JSON) to every text of a response object: output messages' text, function
    /// calls' arguments, and the echoed `instructions`. Returns the output texts as the upstream sent them.
    public static func transformResponse(_ body: inout JSONValue, _ transform: (String, Bool) -> String) -> [String] {
        var seen: [String] = []
        if let output = body["output"]?.arrayValue {
            for (i, item) in output.enumerated() {
                var restored = item
                seen += transformItem(&restored, transform)
                body.set(restored, at: [.key("output"), .index(i)][...])
            }
        }
        if case .string(let text)? = body["instructions"] {
            body.set(.string(transform(text, false)), at: [.key("instructions")][...])
        }
        return seen
    }

    /// The texts of one output item (a message's `content[].text`, a function call's `arguments`).
    static func transformItem(_ item: inout JSONValue, _ transform: (String, Bool) -> String) -> [String] {
        var seen: [String] = []
        if let content = item["content"]?.arrayValue {
            for j in content.indices {
                let path: [JSONPathComponent] = [.key("content"), .index(j), .key("text")]
                if case .string(let text)? = item[path: path] {
                    seen.append(text)
                    item.set(.string(transform(text, false)), at: path[...])
                }
            }
        }
        if case .string(let text)? = item["arguments"] {
            seen.append(text)
            item.set(.string(transform(text, true)), at: [.key("arguments")][...])
        }
        return seen
    }

    /// Where a disclosure notice goes in a response's `output`: the first message's first `output_text` part, as
    /// (output index, content index) — the answer's text for the usual single-message response.
    public static func noticeTarget(_ output: [JSONValue]) -> (output: Int, content: Int)? {
        for (i, item) in output.enumerated() where item["type"]?.stringValue == "message" {
            for (j, part) in (item["content"]?.arrayValue ?? []).enumerated()
            where part["type"]?.stringValue == "output_text" && part["text"]?.stringValue != nil {
                return (i, j)
            }
        }
        return nil
    }

    /// Appends `text` (a disclosure notice) to the answer's text (see ``noticeTarget(_:)``).
    public static func appendToContent(_ body: inout JSONValue, _ text: String) {
        guard let target = noticeTarget(body["output"]?.arrayValue ?? []) else { return }
        let path: [JSONPathComponent] = [
            .key("output"), .index(target.output), .key("content"), .index(target.content), .key("text"),
        ]
        if case .string(let answer)? = body[path: path] { body.set(.string(answer + text), at: path[...]) }
    }

    public static func usage(_ body: JSONValue) -> (prompt: Int?, completion: Int?) {
        (body["usage"]?["input_tokens"]?.intValue, body["usage"]?["output_tokens"]?.intValue)
    }
}
