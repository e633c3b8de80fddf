import JSONCore

/// OpenAI Embeddings (`POST /v1/embeddings`): `input` is a string, a list of strings, or token arrays. Strings are
/// screened; token arrays cannot be read as text, so they are listed as unscreened and the city's policy decides.
/// The answer holds vectors only: there is nothing to restore.
public enum OpenAIEmbeddings {
    public static func extract(_ body: JSONValue) throws(RequestDecodingError) -> ExtractedRequest {
        guard body.isObject else { throw RequestDecodingError("the request body must be a JSON object") }
        var slots: [TextSlot] = []
        var unscreened: [String] = []
        switch body["input"] {
        case .string(let text)?: slots.append(TextSlot(path: [.key("input")], text: text))
        case .array(let items)?
        where !items.isEmpty && items.allSatisfy({ if case .number = $0 { true } else { false } }):
            unscreened.append("input (token array)")
        case .array(let items)?:
            for (i, item) in items.enumerated() {
                switch item {
                case .string(let text): slots.append(TextSlot(path: [.key("input"), .index(i)], text: text))
                case .array: unscreened.append("input[\(i)] (token array)")
                default: throw RequestDecodingError("input[\(i)] must be a string or a token array")
                }
            }
        default: throw RequestDecodingError("'input' is required: a string, a list of strings, or token arrays")
        }
        return ExtractedRequest(
            body: body, slots: slots, unscreened: unscreened, model: body["model"]?.stringValue, stream: false)
    }

    /// Token usage (`usage.prompt_tokens`).
    public static func usage(_ body: JSONValue) -> (prompt: Int?, completion: Int?) {
        (body["usage"]?["prompt_tokens"]?.intValue, nil)
    }
}
