import JSONCore

/// One place in a request body where text hides, with its text.
public struct TextSlot: Sendable, Equatable {
    public var path: [JSONPathComponent]
    public var text: String
    /// What may be done with a finding here: redact in place, block, or look for secrets only.
    public var handling: Handling
    /// How the text sits in the body (as is, inside a `data:` URL or base64, or as an object key).
    public var encoding: Encoding
    /// Found by the walk over the whole body rather than named by the protocol (a `metadata` value, a schema, an
    /// unknown field): logged only where something was found in it.
    public var walked: Bool

    public init(
        path: [JSONPathComponent], text: String, handling: Handling = .text, encoding: Encoding = .plain,
        walked: Bool = false
    ) {
        self.path = path
        self.text = text
        self.handling = handling
        self.encoding = encoding
        self.walked = walked
    }

    /// `messages[2].content[0].text`; an object key is named by its object (`metadata (a key)`), never by itself.
    public var location: String {
        if encoding == .key { return (path.isEmpty ? "the body" : describe(path)) + " (a key)" }
        if encoding == .decoded { return describe(path) + " (base64 text)" }
        return describe(path)
    }

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
    /// Attachments found by ``walkingWholeBody()`` that cannot be screened (images, audio, PDF), with their bytes.
    public var binaryParts: [BinaryPart] = []

    /// The body with each slot's text replaced by `texts[i]` (same order as `slots`); every other byte of meaning
    /// is kept, including unknown fields.
    public func rewritten(with texts: [String]) -> JSONValue {
        var body = self.body
        for (slot, text) in zip(slots, texts) where slot.text != text {
            // A key or decoded text is never rewritten: a finding in one blocks the request.
            if slot.encoding == .key || slot.encoding == .decoded { continue }
            body.set(.string(slot.encoded(text)), at: slot.path[...])
        }
        return body
    }

    /// The request with every other string of its body as a slot too, and every object key: the values the
    /// protocol names are only where the employee's text usually is, and anything else in the body leaves with it
    /// (`metadata`, `stop`, tool schemas, `response_format`, unknown fields). Text attachments (`data:` URLs,
    /// base64 text documents) become slots of their decoded text; binary ones are listed as unscreened.
    public func walkingWholeBody() -> ExtractedRequest {
        let walk = BodyWalk.walk(body, named: Set(slots.map(\.path)))
        var request = self
        request.slots += walk.slots
        // A part the protocol could not read as text is read now when it carried a text attachment.
        request.unscreened =
            unscreened.filter { note in
                !walk.readParts.contains { read in
                    let part = note.prefix { $0 != " " }
                    return read.hasPrefix(part)
                        && (read.count == part.count
                            || ".[".contains(read[read.index(read.startIndex, offsetBy: part.count)]))
                }
            } + walk.unscreened
        request.binaryParts = walk.binary
        return request
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
