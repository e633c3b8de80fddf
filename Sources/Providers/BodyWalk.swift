import Foundation
import JSONCore

extension TextSlot {
    /// What may be done with a finding in a slot.
    public enum Handling: Sendable, Equatable {
        /// Free text: a finding is replaced by a placeholder in place.
        case text
        /// A value a placeholder would break: a URL, a literal in a JSON schema (`enum`, `const`, `default`), an
        /// object key, a structural field whose value is not of its usual shape. A finding that would be redacted
        /// blocks the request instead.
        case fixed
        /// A structural value of its expected shape (a model name, a role, an id, a media type): only secrets are
        /// looked for in it.
        case structural
    }

    /// How the slot's text sits in the body.
    public enum Encoding: Sendable, Equatable {
        /// The string itself.
        case plain
        /// The string is a `data:` URL whose payload is the text; `header` is everything up to and including the
        /// comma, and the payload is base64 or percent-encoded.
        case dataURL(header: String, base64: Bool)
        /// The string is base64 of the text's UTF-8 (an Anthropic `document` source).
        case base64
        /// The slot is an object key (`path` names the object, the text is the key): it cannot be rewritten.
        case key
        /// Text decoded from a base64 run inside the text at `path` (a record pasted encoded): screened, never
        /// written back.
        case decoded

        /// Whether the slot is an object key.
        public var isKey: Bool { self == .key }
    }

    /// The JSON string that carries `text` in this slot's encoding.
    func encoded(_ text: String) -> String {
        switch encoding {
        case .plain, .key, .decoded: return text
        case .base64: return Data(text.utf8).base64EncodedString()
        case .dataURL(let header, let base64):
            if base64 { return header + Data(text.utf8).base64EncodedString() }
            return header + (text.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? text)
        }
    }
}

/// Every string of a request body that its protocol's extraction did not name, and every object key: what else
/// leaves with the prompt. Each becomes a slot of the right ``TextSlot/Handling``, so that the whole body is
/// screened, and attachments are sorted into text (decoded, screened, re-encoded) and binary (unscreened).
enum BodyWalk {
    /// Keys whose string value is structural when it has the shape `shape` says; otherwise it is screened as a
    /// value that cannot be rewritten.
    static let structural: [String: Shape] = [
        "model": .name, "role": .word, "type": .word, "object": .word, "detail": .word, "format": .word,
        "encoding_format": .word, "tool_choice": .word, "reasoning_effort": .word, "effort": .word,
        "service_tier": .word, "truncation": .word, "voice": .word, "finish_reason": .word, "status": .word,
        "stop_reason": .word, "keep_alive": .word, "id": .identifier, "tool_call_id": .identifier,
        "call_id": .identifier, "tool_use_id": .identifier, "previous_response_id": .identifier,
        "item_id": .identifier, "file_id": .identifier, "media_type": .mediaType, "mime_type": .mediaType,
    ]

    /// JSON-schema keywords whose values are literals the model must reproduce exactly: a placeholder there
    /// would change the schema.
    static let schemaLiterals: Set<String> = ["enum", "const", "default", "examples", "pattern", "format"]

    /// The usual shape of a structural value.
    enum Shape {
        /// A lower-case word or two (`user`, `input_text`, `auto`).
        case word
        /// A model name (`gpt-4o-mini`, `claude-3-5-haiku-latest`, `llama3.2:1b`, `org/model`).
        case name
        /// An opaque id (`call_abc123`, `toolu_01A0…`).
        case identifier
        /// `type/subtype`.
        case mediaType

        func fits(_ value: String) -> Bool {
            let bytes = Array(value.utf8)
            guard !bytes.isEmpty, bytes.count <= 128 else { return false }
            func all(_ allowed: (UInt8) -> Bool) -> Bool { bytes.allSatisfy(allowed) }
            let lower = { (b: UInt8) in b >= 0x61 && b <= 0x7A }
            let upper = { (b: UInt8) in b >= 0x41 && b <= 0x5A }
            let digit = { (b: UInt8) in b >= 0x30 && b <= 0x39 }
            switch self {
            case .word: return bytes.count <= 40 && all { lower($0) || digit($0) || $0 == 0x5F || $0 == 0x2D }
            case .name: return all { lower($0) || upper($0) || digit($0) || ".:_/-".utf8.contains($0) }
            case .identifier: return all { lower($0) || upper($0) || digit($0) || $0 == 0x5F || $0 == 0x2D }
            case .mediaType:
                return bytes.filter { $0 == 0x2F }.count == 1
                    && all { lower($0) || digit($0) || "/.+-".utf8.contains($0) }
            }
        }
    }

    /// What the walk adds to a request.
    struct Result {
        var slots: [TextSlot] = []
        var unscreened: [String] = []
        var binary: [BinaryPart] = []
        /// Parts whose attachment was read as text: the protocol's "unscreened" note for them no longer holds.
        var readParts: Set<String> = []
    }

    /// Walks `body`, skipping the strings at `named` (the protocol's own slots).
    static func walk(_ body: JSONValue, named: Set<[JSONPathComponent]>) -> Result {
        var result = Result()
        visit(body, at: [], named: named, inSchema: false, into: &result)
        return result
    }

    private static func visit(
        _ value: JSONValue, at path: [JSONPathComponent], named: Set<[JSONPathComponent]>, inSchema: Bool,
        into result: inout Result
    ) {
        switch value {
        case .string(let text):
            guard !named.contains(path) else { return }
            classify(text, at: path, inSchema: inSchema, into: &result)
        case .array(let items):
            for (i, item) in items.enumerated() {
                visit(item, at: path + [.index(i)], named: named, inSchema: inSchema, into: &result)
            }
        case .object(let members):
            if let attachment = Attachment(members, at: path) {
                attachment.add(into: &result)
                for member in members where member.key != attachment.payloadKey {
                    visit(member.value, at: path + [.key(member.key)], named: named, inSchema: inSchema, into: &result)
                }
                return
            }
            for member in members {
                result.slots.append(
                    TextSlot(path: path, text: member.key, handling: .fixed, encoding: .key, walked: true))
                let schema = inSchema || ["parameters", "input_schema", "schema", "json_schema"].contains(member.key)
                visit(member.value, at: path + [.key(member.key)], named: named, inSchema: schema, into: &result)
            }
        case .null, .bool, .number: return
        }
    }

    /// Adds one string that no protocol rule named.
    private static func classify(
        _ text: String, at path: [JSONPathComponent], inSchema: Bool, into result: inout Result
    ) {
        guard !text.isEmpty else { return }
        // Ollama's `images` are base64 images the protocol already lists as unscreened: not text.
        if path.count >= 2, path[path.count - 2] == .key("images") { return }
        let key: String? = {
            if case .key(let name)? = path.last { return name }
            return nil
        }()
        let parentKey: String? = path.dropLast().last.flatMap { if case .key(let name) = $0 { name } else { nil } }
        if text.hasPrefix("data:"), let url = DataURL(text) {
            url.add(at: path, into: &result)
            return
        }
        var handling = TextSlot.Handling.text
        if let key, let shape = structural[key], !inSchema || key == "type" {
            handling = shape.fits(text) ? .structural : .fixed
        } else if inSchema, let literal = key ?? parentKey, schemaLiterals.contains(literal) {
            handling = .fixed
        } else if text.hasPrefix("http://") || text.hasPrefix("https://") {
            handling = .fixed
        }
        result.slots.append(TextSlot(path: path, text: text, handling: handling, walked: true))
    }
}

/// A `data:` URL: its media type, and its payload decoded.
struct DataURL {
    let header: String
    let mediaType: String
    let base64: Bool
    let payload: [UInt8]

    init?(_ text: String) {
        guard let comma = text.firstIndex(of: ",") else { return nil }
        header = String(text[...comma])
        let parameters = text[text.index(text.startIndex, offsetBy: 5)..<comma].split(separator: ";")
        base64 = parameters.last == "base64"
        mediaType = parameters.first.map { $0.contains("/") ? $0.lowercased() : "text/plain" } ?? "text/plain"
        let data = text[text.index(after: comma)...]
        if base64 {
            guard let decoded = Data(base64Encoded: String(data), options: .ignoreUnknownCharacters) else { return nil }
            payload = Array(decoded)
        } else {
            guard let decoded = String(data).removingPercentEncoding else { return nil }
            payload = Array(decoded.utf8)
        }
    }

    /// A text slot for a text payload (screened, and re-encoded when redacted); an unscreened note for a binary one.
    func add(at path: [JSONPathComponent], into result: inout BodyWalk.Result) {
        if Attachment.isText(mediaType), let text = String(validating: payload, as: UTF8.self) {
            result.slots.append(
                TextSlot(
                    path: path, text: text, handling: .text, encoding: .dataURL(header: header, base64: base64),
                    walked: true))
            result.readParts.insert(describe(path))
        } else {
            result.unscreened.append("\(describe(path)) (\(mediaType), \(payload.count) bytes)")
            result.binary.append(BinaryPart(location: describe(path), mediaType: mediaType, bytes: payload))
        }
    }
}

/// An attachment that cannot be screened as text, kept so its entry can carry a keyed fingerprint of its bytes.
public struct BinaryPart: Sendable, Equatable {
    public var location: String
    public var mediaType: String
    public var bytes: [UInt8]
}

/// An object that carries a file: Anthropic's `{"type":"base64"|"text","media_type","data"}` sources, OpenAI's
/// `input_audio` (`data` and `format`) and `file` (`file_data`), Ollama's `images`.
struct Attachment {
    let path: [JSONPathComponent]
    let mediaType: String
    /// The member holding the payload, and how it is encoded.
    let payloadKey: String
    let payload: String
    let kind: Kind

    enum Kind { case base64, text }

    init?(_ members: [(key: String, value: JSONValue)], at path: [JSONPathComponent]) {
        func string(_ key: String) -> String? {
            members.first { $0.key == key }.flatMap { if case .string(let s) = $0.value { s } else { nil } }
        }
        self.path = path
        if let data = string("data"), let type = string("type"), type == "base64" || type == "text" {
            // Anthropic image and document sources.
            mediaType =
                string("media_type")?.lowercased() ?? (type == "text" ? "text/plain" : "application/octet-stream")
            payloadKey = "data"
            payload = data
            kind = type == "text" ? .text : .base64
        } else if let data = string("data"), let format = string("format") {
            // OpenAI `input_audio`: base64 audio.
            mediaType = "audio/" + format.lowercased()
            payloadKey = "data"
            payload = data
            kind = .base64
        } else if let data = string("file_data"), !data.hasPrefix("data:") {
            mediaType = "application/octet-stream"
            payloadKey = "file_data"
            payload = data
            kind = .base64
        } else {
            return nil
        }
    }

    /// Whether a media type is text PromptGate can read.
    static func isText(_ mediaType: String) -> Bool {
        mediaType.hasPrefix("text/")
            || [
                "application/json", "application/xml", "application/csv", "application/x-yaml", "application/yaml",
                "application/javascript", "application/x-ndjson", "application/sql",
            ].contains(mediaType)
            || mediaType.hasSuffix("+json") || mediaType.hasSuffix("+xml")
    }

    func add(into result: inout BodyWalk.Result) {
        let payloadPath = path + [.key(payloadKey)]
        switch kind {
        case .text:
            result.slots.append(TextSlot(path: payloadPath, text: payload, handling: .text, walked: true))
            result.readParts.insert(describe(payloadPath))
        case .base64:
            let bytes = Data(base64Encoded: payload, options: .ignoreUnknownCharacters).map(Array.init) ?? []
            if Self.isText(mediaType), let text = String(validating: bytes, as: UTF8.self) {
                result.slots.append(
                    TextSlot(path: payloadPath, text: text, handling: .text, encoding: .base64, walked: true))
                result.readParts.insert(describe(payloadPath))
            } else {
                result.unscreened.append("\(describe(payloadPath)) (\(mediaType), \(bytes.count) bytes)")
                result.binary.append(BinaryPart(location: describe(payloadPath), mediaType: mediaType, bytes: bytes))
            }
        }
    }
}
