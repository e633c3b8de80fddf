/// The form ``PackCache`` stores a pack in: every field in a fixed order, lengths before contents, no names and no
/// parsing. `JSONDecoder` spent about 6 ms of every start on the twelve default packs (most of it the runtime
/// looking up the `Codable` conformances of each nested type); this reads them in well under one.
///
/// The layout (all integers little-endian): the magic `PGPK`, a format version (`UInt32`), then the pack. A string
/// is its UTF-8 length (`UInt32`) and bytes; an optional is a byte (0 or 1) and then the value; a list is its count
/// (`UInt32`) and its items; a number is an `Int64`; a flag is one byte (0 or 1); an enumeration is its raw value
/// as a string. A file that is cut short, runs on past its end, holds invalid UTF-8, an unknown enumeration value
/// or another magic or version reads as nothing (the pack is then read from its YAML again).
///
/// Every field of ``GuidelinePack`` and ``Rule`` must be written here: a field added to them and not here would be
/// lost on a cached start (`PackEncodingTests` compares every shipped pack read back with the one read from YAML).
enum PackEncoding {
    /// The format's version; a changed layout is a new version (the cache key carries it too).
    static let version: UInt32 = 2
    private static let magic: [UInt8] = Array("PGPK".utf8)

    /// The bytes of `pack` in this form.
    static func encode(_ pack: GuidelinePack) -> [UInt8] {
        var writer = Writer()
        writer.bytes.append(contentsOf: magic)
        writer.uint32(version)
        writer.string(pack.id)
        writer.string(pack.title)
        writer.string(pack.version)
        writer.string(pack.origin)
        writer.string(pack.contentHash)
        writer.uint32(UInt32(pack.rules.count))
        for rule in pack.rules { writer.rule(rule) }
        return writer.bytes
    }

    /// The pack in `bytes`, or nil when they are not one written by ``encode(_:)`` of this version.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> GuidelinePack? {
        var reader = Reader(bytes: bytes)
        guard reader.take(magic.count).map({ Array($0) == magic }) == true, reader.uint32() == version,
            let id = reader.string(), let title = reader.string(), let packVersion = reader.string(),
            let origin = reader.string(), let contentHash = reader.string(), let count = reader.count()
        else { return nil }
        var rules: [Rule] = []
        rules.reserveCapacity(count)
        for _ in 0..<count {
            guard let rule = reader.rule() else { return nil }
            rules.append(rule)
        }
        guard reader.atEnd else { return nil }
        return GuidelinePack(
            id: id, title: title, version: packVersion, rules: rules, origin: origin, contentHash: contentHash)
    }

    private struct Writer {
        var bytes: [UInt8] = []

        mutating func uint32(_ value: UInt32) {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }

        mutating func int(_ value: Int) {
            withUnsafeBytes(of: Int64(value).littleEndian) { bytes.append(contentsOf: $0) }
        }

        mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

        mutating func string(_ value: String) {
            let utf8 = value.utf8
            uint32(UInt32(utf8.count))
            bytes.append(contentsOf: utf8)
        }

        mutating func optional(_ value: String?) {
            bool(value != nil)
            if let value { string(value) }
        }

        mutating func strings(_ values: [String]) {
            uint32(UInt32(values.count))
            for value in values { string(value) }
        }

        mutating func rule(_ rule: Rule) {
            string(rule.id)
            string(rule.title)
            string(rule.category.rawValue)
            string(rule.entity)
            strings(rule.patterns)
            bool(rule.caseInsensitive)
            strings(rule.keywords)
            optional(rule.validator)
            string(rule.whenCheckFails.rawValue)
            bool(rule.context != nil)
            if let context = rule.context {
                strings(context.words)
                strings(context.negative)
                int(context.window)
                bool(context.required)
            }
            strings(rule.allow)
            string(rule.action.rawValue)
            string(rule.redaction.rawValue)
            int(rule.priority)
            string(rule.message)
            string(rule.source.title)
            string(rule.source.url)
            optional(rule.source.clause)
            strings(rule.examples.match)
            strings(rule.examples.noMatch)
            string(rule.location)
        }
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var position = 0

        var atEnd: Bool { position == bytes.count }

        mutating func take(_ count: Int) -> UnsafeRawBufferPointer.SubSequence? {
            guard count >= 0, count <= bytes.count - position else { return nil }
            defer { position += count }
            return bytes[position..<position + count]
        }

        mutating func uint32() -> UInt32? {
            guard let raw = take(4) else { return nil }
            return UInt32(littleEndian: UnsafeRawBufferPointer(rebasing: raw).loadUnaligned(as: UInt32.self))
        }

        /// A count of items, each at least one byte long: a count beyond the bytes left is refused before any
        /// array is reserved for it.
        mutating func count() -> Int? {
            guard let value = uint32(), Int(value) <= bytes.count - position else { return nil }
            return Int(value)
        }

        mutating func int() -> Int? {
            guard let raw = take(8) else { return nil }
            return Int(
                exactly: Int64(littleEndian: UnsafeRawBufferPointer(rebasing: raw).loadUnaligned(as: Int64.self)))
        }

        mutating func bool() -> Bool? {
            guard let raw = take(1), let byte = raw.first, byte <= 1 else { return nil }
            return byte == 1
        }

        mutating func string() -> String? {
            guard let length = uint32(), let raw = take(Int(length)) else { return nil }
            return String(validating: UnsafeRawBufferPointer(rebasing: raw), as: UTF8.self)
        }

        mutating func optional() -> String?? {
            guard let present = bool() else { return nil }
            guard present else { return .some(nil) }
            guard let value = string() else { return nil }
            return .some(value)
        }

        mutating func strings() -> [String]? {
            guard let count = count() else { return nil }
            var values: [String] = []
            values.reserveCapacity(count)
            for _ in 0..<count {
                guard let value = string() else { return nil }
                values.append(value)
            }
            return values
        }

        mutating func value<Value: RawRepresentable<String>>(_: Value.Type) -> Value? {
            string().flatMap(Value.init(rawValue:))
        }

        mutating func context() -> ContextRule?? {
            guard let present = bool() else { return nil }
            guard present else { return .some(nil) }
            guard let words = strings(), let negative = strings(), let window = int(), let required = bool() else {
                return nil
            }
            return .some(ContextRule(words: words, negative: negative, window: window, required: required))
        }

        mutating func rule() -> Rule? {
            guard let id = string(), let title = string(), let category = value(RuleCategory.self),
                let entity = string(), let patterns = strings(), let caseInsensitive = bool(),
                let keywords = strings(),
                let validator = optional(), let whenCheckFails = value(FailedCheck.self), let context = context(),
                let allow = strings(), let action = value(RuleAction.self),
                let redaction = value(RedactionStyle.self), let priority = int(), let message = string(),
                let sourceTitle = string(), let sourceURL = string(), let clause = optional(),
                let match = strings(), let noMatch = strings(), let location = string()
            else { return nil }
            return Rule(
                id: id, title: title, category: category, entity: entity, patterns: patterns,
                caseInsensitive: caseInsensitive, keywords: keywords, validator: validator,
                whenCheckFails: whenCheckFails,
                context: context, allow: allow, action: action, redaction: redaction, priority: priority,
                message: message, source: RuleSource(title: sourceTitle, url: sourceURL, clause: clause),
                examples: RuleExamples(match: match, noMatch: noMatch), location: location)
        }
    }
}
