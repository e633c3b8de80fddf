/// What went wrong in a JSON text, and where (a 0-based UTF-8 byte offset).
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var offset: Int
    public var description: String { "\(message) at byte \(offset)" }
}

/// A strict RFC 8259 parser over UTF-8 bytes: invalid UTF-8, duplicate keys, trailing data and nesting deeper than
/// `maxDepth` are errors, never crashes.
public struct JSONParser {
    /// The deepest nesting accepted; deeper input is refused so hostile bodies cannot exhaust the stack.
    public static let maxDepth = 512

    /// Parses a complete JSON text.
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { buffer throws(JSONParseError) in
            var parser = Cursor(bytes: buffer)
            parser.skipWhitespace()
            let value = try parser.parseValue(depth: 0)
            parser.skipWhitespace()
            guard parser.index == buffer.count else { throw parser.error("unexpected data after the JSON value") }
            return value
        }
    }

    /// Parses a JSON text held in a string.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    /// The values of the members named `names` in a complete JSON text that is an object (nil for a name it does
    /// not have, and for every name when the text is not an object), without building the other members' values.
    ///
    /// The text is checked exactly as ``parse(_:)`` checks it, with the same errors: only what is built differs. For
    /// reading a few members of records whose other members are large (`check --batch` reads `id` and `text` of
    /// corpus lines that also hold their labels).
    public static func members(_ names: [String], of bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError)
        -> [JSONValue?]
    {
        var values = [JSONValue?](repeating: nil, count: names.count)
        var parser = Cursor(bytes: bytes)
        parser.skipWhitespace()
        if parser.index < bytes.count, bytes[parser.index] == UInt8(ascii: "{") {
            var keys: [String] = []
            var seen: Set<String>?
            try parser.readObject(depth: 1) { key in
                Cursor.isDuplicate(key, among: keys, seen: &seen)
            } value: { cursor, key throws(JSONParseError) in
                keys.append(key)
                if let slot = names.firstIndex(of: key) {
                    values[slot] = try cursor.parseValue(depth: 1)
                } else {
                    try cursor.skipValue(depth: 1)
                }
            }
        } else {
            try parser.skipValue(depth: 0)
        }
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("unexpected data after the JSON value") }
        return values
    }

    struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        func error(_ message: String) -> JSONParseError { JSONParseError(message: message, offset: index) }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
            guard index < bytes.count else { throw error("unexpected end of JSON") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
            case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"):
                try expect("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try expect("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try expect("null")
                return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
            default: throw error("unexpected character '\(Self.printable(bytes[index]))'")
            }
        }

        static func printable(_ byte: UInt8) -> String {
            (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
        }

        mutating func expect(_ word: StaticString) throws(JSONParseError) {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw error("unexpected end of JSON") }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
                throw error("invalid literal")
            }
            index += count
        }

        mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
            var members: [(key: String, value: JSONValue)] = []
            var seen: Set<String>?
            try readObject(depth: depth) { key in
                Self.isDuplicate(key, among: members.lazy.map(\.key), seen: &seen)
            } value: { cursor, key throws(JSONParseError) in
                members.append((key, try cursor.parseValue(depth: depth)))
            }
            return .object(members)
        }

        mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
            var elements: [JSONValue] = []
            try readArray(depth: depth) { cursor throws(JSONParseError) in
                elements.append(try cursor.parseValue(depth: depth))
            }
            return .array(elements)
        }

        /// Checks a value as ``parseValue(depth:)`` does, with the same errors, and moves past it without building
        /// it (strings and numbers are still read, to check them).
        mutating func skipValue(depth: Int) throws(JSONParseError) {
            guard index < bytes.count else { throw error("unexpected end of JSON") }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                var keys: [String] = []
                var seen: Set<String>?
                try readObject(depth: depth + 1) { key in
                    Self.isDuplicate(key, among: keys, seen: &seen)
                } value: { cursor, key throws(JSONParseError) in
                    keys.append(key)
                    try cursor.skipValue(depth: depth + 1)
                }
            case UInt8(ascii: "["):
                try readArray(depth: depth + 1) { cursor throws(JSONParseError) in
                    try cursor.skipValue(depth: depth + 1)
                }
            default:
                _ = try parseValue(depth: depth)
            }
        }

        /// Whether `key` is already among an object's `keys`: a linear look through the few members most objects
        /// have; a set past that.
        static func isDuplicate(_ key: String, among keys: some Collection<String>, seen: inout Set<String>?) -> Bool {
            if keys.count < 16 { return keys.contains(key) }
            if seen == nil { seen = Set(keys) }
            return !seen!.insert(key).inserted
        }

        /// Reads an object from its `{`: each member's name, refused when `isDuplicate` says so, then `value`
        /// reads the member's value; nesting, names and separators are checked here.
        mutating func readObject(
            depth: Int, isDuplicate: (String) -> Bool,
            value: (inout Cursor, String) throws(JSONParseError) -> Void
        ) throws(JSONParseError) {
            guard depth <= JSONParser.maxDepth else { throw error("JSON nested deeper than \(JSONParser.maxDepth)") }
            index += 1
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                    throw error("expected a member name in double quotes")
                }
                let keyOffset = index
                let key = try parseString()
                guard !isDuplicate(key) else {
                    throw JSONParseError(message: "duplicate member \"\(key)\"", offset: keyOffset)
                }
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
                index += 1
                skipWhitespace()
                try value(&self, key)
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of JSON in an object") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return
                } else {
                    throw error("expected ',' or '}'")
                }
            }
        }

        /// Reads an array from its `[`, `element` reading each element; nesting and separators are checked here.
        mutating func readArray(depth: Int, element: (inout Cursor) throws(JSONParseError) -> Void)
            throws(JSONParseError)
        {
            guard depth <= JSONParser.maxDepth else { throw error("JSON nested deeper than \(JSONParser.maxDepth)") }
            index += 1
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return
            }
            while true {
                skipWhitespace()
                try element(&self)
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of JSON in an array") }
                if bytes[index] == UInt8(ascii: ",") {
                    index += 1
                } else if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return
                } else {
                    throw error("expected ',' or ']'")
                }
            }
        }

        mutating func parseNumber() throws(JSONParseError) -> String {
            let start = index
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number") }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else {
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number") }
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                    index += 1
                }
                guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number") }
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        }

        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

        mutating func parseString() throws(JSONParseError) -> String {
            index += 1  // opening quote
            // Most strings have no escapes: validated and made in one step.
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\""),
                    let text = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                {
                    index += 1
                    return text
                }
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
                index += 1
            }
            return try parseEscapedString(from: start)
        }

        /// A string with an escape, invalid UTF-8 or an error, resumed at `index` (the bytes from `start` to there
        /// hold no quote, escape or control character). Runs and escapes are gathered as UTF-8 and validated once:
        /// an escape's scalar is whole and a run follows one, so the gathered bytes are valid exactly when every
        /// run is. When they are not, the string is read again run by run, so the error names its run's offset.
        mutating func parseEscapedString(from start: Int) throws(JSONParseError) -> String {
            let resume = index
            var utf8: [UInt8] = []
            utf8.reserveCapacity(index - start + 64)
            var runStart = start
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    utf8.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                    guard let text = String(validating: utf8, as: UTF8.self) else {
                        index = resume
                        return try parseEscapedStringByRuns(from: start)
                    }
                    index += 1
                    return text
                case UInt8(ascii: "\\"):
                    utf8.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                    index += 1
                    // A bad escape after a run of invalid UTF-8: the run's error comes first.
                    guard let scalar = try? parseEscape(), let encoded = UTF8.encode(scalar) else {
                        index = resume
                        return try parseEscapedStringByRuns(from: start)
                    }
                    utf8.append(contentsOf: encoded)
                    runStart = index
                case 0x00..<0x20:
                    index = resume
                    return try parseEscapedStringByRuns(from: start)
                default:
                    index += 1
                }
            }
            index = resume
            return try parseEscapedStringByRuns(from: start)
        }

        /// ``parseEscapedString(from:)`` run by run, for a string in error: the first error is the one thrown.
        mutating func parseEscapedStringByRuns(from start: Int) throws(JSONParseError) -> String {
            var scalars = String.UnicodeScalarView()
            var runStart = start
            func flushRun(_ end: Int) throws(JSONParseError) {
                guard end > runStart else { return }
                let run = UnsafeBufferPointer(rebasing: bytes[runStart..<end])
                guard let text = String(validating: run, as: UTF8.self) else {
                    throw JSONParseError(message: "invalid UTF-8 in a string", offset: runStart)
                }
                scalars.append(contentsOf: text.unicodeScalars)
            }
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    try flushRun(index)
                    index += 1
                    return String(scalars)
                case UInt8(ascii: "\\"):
                    try flushRun(index)
                    index += 1
                    scalars.append(try parseEscape())
                    runStart = index
                case 0x00..<0x20:
                    throw error("control character in a string (escape it)")
                default:
                    index += 1
                }
            }
            throw error("unterminated string")
        }

        mutating func parseEscape() throws(JSONParseError) -> Unicode.Scalar {
            guard index < bytes.count else { throw error("unterminated escape") }
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return "\""
            case UInt8(ascii: "\\"): return "\\"
            case UInt8(ascii: "/"): return "/"
            case UInt8(ascii: "b"): return "\u{08}"
            case UInt8(ascii: "f"): return "\u{0C}"
            case UInt8(ascii: "n"): return "\n"
            case UInt8(ascii: "r"): return "\r"
            case UInt8(ascii: "t"): return "\t"
            case UInt8(ascii: "u"):
                let high = try parseHex4()
                if (0xD800..<0xDC00).contains(high) {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                        bytes[index + 1] == UInt8(ascii: "u")
                    else { throw error("unpaired surrogate in \\u escape") }
                    index += 2
                    let low = try parseHex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw error("unpaired surrogate in \\u escape") }
                    let value = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                    guard let scalar = Unicode.Scalar(value) else { throw error("invalid \\u escape") }
                    return scalar
                }
                guard let scalar = Unicode.Scalar(high) else { throw error("unpaired surrogate in \\u escape") }
                return scalar
            default:
                index -= 1
                throw error("invalid escape")
            }
        }

        mutating func parseHex4() throws(JSONParseError) -> UInt32 {
            guard index + 4 <= bytes.count else { throw error("truncated \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt32
                switch byte {
                case 0x30...0x39: digit = UInt32(byte - 0x30)
                case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
                default: throw error("invalid hex digit in \\u escape")
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }
    }
}
