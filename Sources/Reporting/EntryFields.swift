import Foundation
import JSONCore

/// The few fields of one audit line a report counts, read without building the whole JSON tree: top-level strings
/// are decoded only for the wanted keys, everything else (prompts, responses, fingerprints) is skipped byte by byte.
struct EntryFields: Equatable {
    var ts = ""
    var event = ""
    var actor: String?
    var department: String?
    var system: String?
    var purpose: String?
    var assessment: String?
    var decision: String?
    var model: String?
    /// The rule ids of the entry's findings, in order.
    var rules: [String] = []

    /// Whether the entry records a prompt: `request.screened` or `request.blocked` (one per request).
    var isPrompt: Bool { event == "request.screened" || event == "request.blocked" }

    /// Scans one log line; nil when it is not a JSON object.
    static func scan(_ line: UnsafeRawBufferPointer) -> EntryFields? {
        var scanner = Scanner(bytes: line)
        return scanner.object()
    }
}

/// A forward-only reader of one JSON object's top level.
private struct Scanner {
    let bytes: UnsafeRawBufferPointer
    var i = 0

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func object() -> EntryFields? {
        skipSpace()
        guard peek == UInt8(ascii: "{") else { return nil }
        i += 1
        var fields = EntryFields()
        while true {
            skipSpace()
            if peek == UInt8(ascii: "}") { return fields }
            guard let keyRange = stringRange() else { return nil }
            skipSpace()
            guard peek == UInt8(ascii: ":") else { return nil }
            i += 1
            skipSpace()
            switch Self.wanted(bytes, keyRange) {
            case nil:
                guard skipValue() else { return nil }
            case .findings?:
                guard let rules = findingRules() else { return nil }
                fields.rules = rules
            case let key?:
                if peek == UInt8(ascii: "\"") {
                    guard let range = stringRange() else { return nil }
                    let text = decode(range)
                    switch key {
                    case .ts: fields.ts = text
                    case .event: fields.event = text
                    case .actor: fields.actor = text
                    case .dept: fields.department = text
                    case .system: fields.system = text
                    case .purpose: fields.purpose = text
                    case .assessment: fields.assessment = text
                    case .decision: fields.decision = text
                    case .model: fields.model = text
                    case .findings: break
                    }
                } else {
                    guard skipValue() else { return nil }
                }
            }
            skipSpace()
            if peek == UInt8(ascii: ",") {
                i += 1
            } else if peek == UInt8(ascii: "}") {
                return fields
            } else {
                return nil
            }
        }
    }

    enum Key { case ts, event, actor, dept, system, purpose, assessment, decision, model, findings }

    static func wanted(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Key? {
        // Keys are short ASCII; compare without making a String.
        func equals(_ literal: StaticString) -> Bool {
            guard literal.utf8CodeUnitCount == range.count else { return false }
            let p = literal.utf8Start
            for k in 0..<range.count where bytes[range.lowerBound + k] != p[k] { return false }
            return true
        }
        switch range.count {
        case 2: return equals("ts") ? .ts : nil
        case 4: return equals("dept") ? .dept : nil
        case 5: return equals("event") ? .event : equals("actor") ? .actor : equals("model") ? .model : nil
        case 6: return equals("system") ? .system : nil
        case 7: return equals("purpose") ? .purpose : nil
        case 8: return equals("decision") ? .decision : equals("findings") ? .findings : nil
        case 10: return equals("assessment") ? .assessment : nil
        default: return nil
        }
    }

    var peek: UInt8 { i < bytes.count ? bytes[i] : 0 }

    mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
    }

    /// The bytes between the quotes of the string at `i` (escapes undecoded); moves past it.
    mutating func stringRange() -> Range<Int>? {
        guard peek == UInt8(ascii: "\""), let base = bytes.baseAddress else { return nil }
        let start = i + 1
        var j = start
        while j < bytes.count, let found = memchr(base + j, 0x22, bytes.count - j) {
            let quote = UnsafeRawPointer(found) - base
            // A quote after an odd number of backslashes is escaped.
            var k = quote - 1
            while k >= start, bytes[k] == UInt8(ascii: "\\") { k -= 1 }
            if (quote - 1 - k) % 2 == 0 {
                i = quote + 1
                return start..<quote
            }
            j = quote + 1
        }
        return nil
    }

    func decode(_ range: Range<Int>) -> String {
        let slice = UnsafeRawBufferPointer(rebasing: bytes[range])
        if !slice.contains(UInt8(ascii: "\\")) { return String(decoding: slice, as: UTF8.self) }
        let quoted = UnsafeRawBufferPointer(rebasing: bytes[(range.lowerBound - 1)..<(range.upperBound + 1)])
        return (try? JSONParser.parse(quoted))?.stringValue ?? String(decoding: slice, as: UTF8.self)
    }

    /// Skips any value: strings, numbers, literals, and nested arrays and objects.
    mutating func skipValue() -> Bool {
        var depth = 0
        repeat {
            skipSpace()
            guard i < bytes.count else { return false }
            switch bytes[i] {
            case UInt8(ascii: "\""):
                guard stringRange() != nil else { return false }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                i += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                i += 1
            default:
                // A number or literal at the top; inside a nested value, one byte (a digit, ',' or ':') at a time.
                if depth == 0 {
                    while i < bytes.count, !Self.ends(bytes[i]) { i += 1 }
                } else {
                    i += 1
                }
            }
        } while depth > 0
        return true
    }

    static func ends(_ c: UInt8) -> Bool {
        c == UInt8(ascii: ",") || c == UInt8(ascii: "}") || c == UInt8(ascii: "]") || c == 0x20
    }

    /// The `rule` of each object in the `findings` array, read in place like the top level.
    mutating func findingRules() -> [String]? {
        guard peek == UInt8(ascii: "[") else { return skipValue() ? [] : nil }
        i += 1
        var rules: [String] = []
        while true {
            skipSpace()
            if peek == UInt8(ascii: "]") {
                i += 1
                return rules
            }
            guard peek == UInt8(ascii: "{") else { return nil }
            i += 1
            while true {
                skipSpace()
                if peek == UInt8(ascii: "}") {
                    i += 1
                    break
                }
                guard let key = stringRange() else { return nil }
                skipSpace()
                guard peek == UInt8(ascii: ":") else { return nil }
                i += 1
                skipSpace()
                if key.count == 4, bytes[key.lowerBound] == UInt8(ascii: "r"), peek == UInt8(ascii: "\""),
                    String(decoding: UnsafeRawBufferPointer(rebasing: bytes[key]), as: UTF8.self) == "rule",
                    let value = stringRange()
                {
                    rules.append(decode(value))
                } else {
                    guard skipValue() else { return nil }
                }
                skipSpace()
                if peek == UInt8(ascii: ",") { i += 1 }
            }
            skipSpace()
            if peek == UInt8(ascii: ",") { i += 1 }
        }
    }
}
