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
