import JSONCore

/// One place in a request body where text hides, with its text.
public struct TextSlot: Sendable, Equatable {
    public var path: [JSONPathComponent]
    public var text: String
    public init(path: [JSONPathComponent], text: String) {
        self.path = path
        self.text = text
    }
    /// `messages[2].content[0].text`
    public var location: String { describe(path) }

    /// A slot for every string inside `value` (a tool call's input or arguments object), found at `path`.
    static func strings(in value: JSONValue?, at path: [JSONPathComponent], into slots: inout [TextSlot]) {
        switch value {
        case .string(let text)?: slots.append(TextSlot(path: path, text: text))
        case .array(let items)?:
            for (i, item) in items.enumerated() { strings(in: item, at: path + [.index(i)], into: &slots) }
        case .object(let members)?:
            for member in members { strings(in: member.value, at: path + [.key(member.key)], into: &slots) }
        default: return
        }
    }
}

/// A decoded request: the body as sent, every text slot in it, and what could not be screened as text.
public struct ExtractedRequest: Sendable {
    public var body: JSONValue
    public var slots: [TextSlot]
    /// Parts that are not text (images, audio, files, token arrays), by location: policy decides; the log says so.
    public var unscreened: [String]
    public var model: String?
    public var stream: Bool

    /// The body with each slot's text replaced by `texts[i]` (same order as `slots`); every other byte of meaning
    /// is kept, including unknown fields.
    public func rewritten(with texts: [String]) -> JSONValue {
        var body = self.body
        for (slot, text) in zip(slots, texts) where slot.text != text {
            body.set(.string(text), at: slot.path[...])
        }
        return body
    }
}

/// Why a request body cannot be handled. The server answers 400 in the provider's error shape.
public struct RequestDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension ExtractedRequest {
    /// The `messages` array of a chat body, or the error every chat protocol gives for a malformed one.
    static func messages(of body: JSONValue) throws(RequestDecodingError) -> [JSONValue] {
        guard body.isObject else { throw RequestDecodingError("the request body must be a JSON object") }
        guard let messages = body["messages"]?.arrayValue else {
            throw RequestDecodingError("'messages' is required and must be an array")
        }
        return messages
    }

    /// A slot for each tool's description at `tools[i]` + `path` (`["description"]`, or `["function",
    /// "description"]`).
    static func toolDescriptions(of body: JSONValue, at path: [JSONPathComponent]) -> [TextSlot] {
        guard let tools = body["tools"]?.arrayValue else { return [] }
        return tools.indices.compactMap { t in
            let full: [JSONPathComponent] = [.key("tools"), .index(t)] + path
            guard case .string(let text)? = body[path: full] else { return nil }
            return TextSlot(path: full, text: text)
        }
    }
}
