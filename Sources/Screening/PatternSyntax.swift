/// A pattern read as far as the prefilter and the confirmation windows need: its top-level atoms, each with the
/// bytes it can match and its quantifier.
///
/// The reading is deliberately partial. Every parse returns nil for syntax it does not model — look-arounds,
/// back-references, `\Q…\E`, `\p{…}`, POSIX classes, `\h`/`\v`, extended mode, inline flags anywhere but at the
/// start — and callers then treat the pattern as written, which is always correct, only slower. Bytes are read as
/// Hyperscan reads them without `HS_FLAG_UTF8`: one byte is one character.
struct PatternSyntax {
    /// The pattern's alternatives (one, unless it has a top-level `|`).
    var top: Alternation
    /// Inline flags at the very start (`(?i)`, `(?im)`), as written.
    var leadingFlags: [UInt8]

    init?(_ expression: String) {
        var parser = AtomParser(bytes: Array(expression.utf8))
        guard let top = parser.sequence(topLevel: true), parser.atEnd else { return nil }
        var flags: [UInt8] = []
        if top.alternatives.count == 1 {
            for atom in top.alternatives[0] {
                guard case .flags = atom.kind else { break }
                flags += atom.text
            }
        }
        self.top = top
        self.leadingFlags = flags
    }

    /// Whether some match could contain a space, tab, carriage return or line feed: when none can, every match
    /// lies inside the run of other bytes that ends where the match ends.
    var canMatchWhitespace: Bool { top.canMatch(Self.whitespace) }

    /// Whether the pattern uses `^`, `$`, `\A`, `\z` or `\Z`, which mean something else at the edge of a window.
    var hasLineAnchors: Bool { top.hasLineAnchors }

    /// Whether every match holds at least one byte of `set`, as far as the syntax shows: some atom that must occur
    /// (not optional) matches only bytes of `set`, or is a group each of whose alternatives holds such an atom.
    /// False when unsure.
    func mustMatch(_ set: ByteSet) -> Bool { top.mustMatch(set) }

    /// Whether the leading flags turn case-insensitive matching on (`(?i)`, `(?im)`; not `(?-i)`).
    var startsCaseless: Bool {
        String(decoding: leadingFlags, as: UTF8.self).split(separator: "-").first?.contains("i") ?? false
    }

    static let whitespace = ByteSet(bytes: [0x09, 0x0A, 0x0D, 0x20])
}

/// A set of bytes.
struct ByteSet: Equatable {
    private var words = SIMD4<UInt64>()

    init() {}

    init(bytes: [UInt8]) {
        for byte in bytes { insert(byte) }
    }

    init(range: ClosedRange<UInt8>) {
        for byte in range { insert(byte) }
    }

    static let all = ByteSet().inverted

    mutating func insert(_ byte: UInt8) { words[Int(byte >> 6)] |= 1 << (byte & 63) }

    func contains(_ byte: UInt8) -> Bool { words[Int(byte >> 6)] & (1 << (byte & 63)) != 0 }

    func union(_ other: ByteSet) -> ByteSet {
        var set = self
        set.words |= other.words
        return set
    }

    func intersection(_ other: ByteSet) -> ByteSet {
        var set = self
        set.words &= other.words
        return set
    }

    var inverted: ByteSet {
        var set = self
        set.words = ~words
        return set
    }

    func subtracting(_ other: ByteSet) -> ByteSet { intersection(other.inverted) }

    func intersects(_ other: ByteSet) -> Bool { intersection(other) != ByteSet() }

    func isSubset(of other: ByteSet) -> Bool { !intersects(other.inverted) }

    /// The one byte in the set, if it holds exactly one.
    var onlyMember: UInt8? {
        var found: UInt8?
        for byte in 0...255 where contains(UInt8(byte)) {
            if found != nil { return nil }
            found = UInt8(byte)
        }
        return found
    }

    static let digits = ByteSet(range: 0x30...0x39)
    static let word = ByteSet(range: 0x41...0x5A).union(ByteSet(range: 0x61...0x7A)).union(digits)
        .union(ByteSet(bytes: [0x5F]))
    /// `\s` as Hyperscan reads it: tab, line feed, vertical tab, form feed, carriage return, space.
    static let space = ByteSet(range: 0x09...0x0D).union(ByteSet(bytes: [0x20]))
    /// Printable ASCII other than letters, digits and space.
    static let punctuation = ByteSet(range: 0x21...0x7E).subtracting(word).union(ByteSet(bytes: [0x5F]))
}

/// One top-level piece of a pattern, with its quantifier.
struct Atom {
    enum Kind {
        case assertion(lineAnchor: Bool)
        /// Matches one byte of a set: a literal, `[…]`, `\d`, `.`.
        case bytes(ByteSet, literal: Bool)
        /// `opener` is `(`, `(?:`, `(?i:` …; `content` its alternatives.
        case group(opener: [UInt8], content: Alternation)
        /// `(?i)` and the like, at the start of the pattern.
        case flags
    }

    var kind: Kind
    /// The atom's text, quantifier included.
    var text: [UInt8]
    /// The atom's text without its quantifier.
    var body: [UInt8]
    /// The quantifier's bounds as written (`nil` maximum: unbounded), and its lazy/possessive suffix.
    var quantifier: (min: Int, max: Int?, suffix: [UInt8])?

    var minimum: Int { quantifier?.min ?? 1 }

    var isFlags: Bool {
        if case .flags = kind { return true }
        return false
    }

    /// Whether every match of this atom holds a byte of `set` (see ``PatternSyntax/mustMatch(_:)``).
    func mustMatch(_ set: ByteSet) -> Bool {
        guard minimum >= 1 else { return false }
        switch kind {
        case .assertion, .flags: return false
        case .bytes(let bytes, _): return bytes != ByteSet() && bytes.isSubset(of: set)
        case .group(_, let content): return content.mustMatch(set)
        }
    }

    func canMatch(_ set: ByteSet) -> Bool {
        if quantifier?.max == 0 { return false }
        switch kind {
        case .assertion, .flags: return false
        case .bytes(let bytes, _): return bytes.intersects(set)
        case .group(_, let content): return content.canMatch(set)
        }
    }
}

/// A pattern's (or a group's) alternatives, each a list of atoms.
struct Alternation {
    var alternatives: [[Atom]]

    func canMatch(_ set: ByteSet) -> Bool { alternatives.contains { $0.contains { $0.canMatch(set) } } }

    /// Whether every alternative holds an atom that must match a byte of `set`.
    func mustMatch(_ set: ByteSet) -> Bool { alternatives.allSatisfy { $0.contains { $0.mustMatch(set) } } }

    var hasLineAnchors: Bool {
        alternatives.contains { atoms in
            atoms.contains { atom in
                switch atom.kind {
                case .assertion(let lineAnchor): return lineAnchor
                case .group(_, let content): return content.hasLineAnchors
                case .bytes, .flags: return false
                }
            }
        }
    }
}

/// Reads atoms byte by byte; every method returns nil for syntax it does not model.
struct AtomParser {
    let bytes: [UInt8]
    var index = 0

    var atEnd: Bool { index == bytes.count }

    /// Alternatives up to the end or an unmatched `)`, which is left for the caller.
    mutating func sequence(topLevel: Bool) -> Alternation? {
        var alternatives: [[Atom]] = [[]]
        while index < bytes.count, bytes[index] != UInt8(ascii: ")") {
            if bytes[index] == UInt8(ascii: "|") {
                index += 1
                alternatives.append([])
                continue
            }
            guard let atom = atom() else { return nil }
            // Inline flags are understood at the very start of the pattern only.
            if atom.isFlags, !topLevel || alternatives.count > 1 || alternatives[0].contains(where: { !$0.isFlags }) {
                return nil
            }
            alternatives[alternatives.count - 1].append(atom)
        }
        return Alternation(alternatives: alternatives)
    }

    private mutating func atom() -> Atom? {
        let start = index
        let byte = bytes[index]
        let kind: Atom.Kind
        switch byte {
        case UInt8(ascii: "\\"):
            guard let escaped = escape() else { return nil }
            kind = escaped
        case UInt8(ascii: "["):
            guard let set = characterClass() else { return nil }
            kind = .bytes(set, literal: false)
        case UInt8(ascii: "("):
            guard let group = group() else { return nil }
            if case .flags = group {
                let text = Array(bytes[start..<index])
                return Atom(kind: group, text: text, body: text, quantifier: nil)
            }
            kind = group
        case UInt8(ascii: "^"), UInt8(ascii: "$"):
            index += 1
            kind = .assertion(lineAnchor: true)
        case UInt8(ascii: "."):
            index += 1
            kind = .bytes(.all, literal: false)
        case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "{"), UInt8(ascii: "]"):
            return nil
        default:
            index += 1
            kind = .bytes(ByteSet(bytes: [byte]), literal: true)
        }
        let bodyEnd = index
        guard let quantifier = quantifier() else { return nil }
        if quantifier != nil, case .assertion = kind { return nil }
        return Atom(
            kind: kind, text: Array(bytes[start..<index]), body: Array(bytes[start..<bodyEnd]), quantifier: quantifier)
    }

    /// `\b`, `\d`, `\xHH`, `\.` …; nil for back-references, `\Q`, `\p{…}` and other escapes it does not model.
    private mutating func escape() -> Atom.Kind? {
        guard index + 1 < bytes.count else { return nil }
        let letter = bytes[index + 1]
        index += 2
        switch letter {
        case UInt8(ascii: "b"), UInt8(ascii: "B"): return .assertion(lineAnchor: false)
        case UInt8(ascii: "A"), UInt8(ascii: "z"), UInt8(ascii: "Z"): return .assertion(lineAnchor: true)
        default:
            guard let set = escapedSet(letter) else { return nil }
            return .bytes(set, literal: set.onlyMember != nil)
        }
    }

    /// The bytes an escape inside or outside a class stands for (`index` is past the letter).
    private mutating func escapedSet(_ letter: UInt8) -> ByteSet? {
        switch letter {
        case UInt8(ascii: "d"): return .digits
        case UInt8(ascii: "D"): return ByteSet.digits.inverted
        case UInt8(ascii: "w"): return .word
        case UInt8(ascii: "W"): return ByteSet.word.inverted
        case UInt8(ascii: "s"): return .space
        case UInt8(ascii: "S"): return ByteSet.space.inverted
        case UInt8(ascii: "t"): return ByteSet(bytes: [0x09])
        case UInt8(ascii: "n"): return ByteSet(bytes: [0x0A])
        case UInt8(ascii: "r"): return ByteSet(bytes: [0x0D])
        case UInt8(ascii: "f"): return ByteSet(bytes: [0x0C])
        case UInt8(ascii: "x"):
            guard index + 2 <= bytes.count,
                let value = UInt8(String(decoding: bytes[index..<index + 2], as: UTF8.self), radix: 16)
            else { return nil }
            index += 2
            return ByteSet(bytes: [value])
        default:
            return ByteSet.punctuation.contains(letter) ? ByteSet(bytes: [letter]) : nil
        }
    }

    /// `[…]`: its members, ranges and escapes, complemented after `^`.
    private mutating func characterClass() -> ByteSet? {
        index += 1
        var negated = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "^") {
            negated = true
            index += 1
        }
        var set = ByteSet()
        var first = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "]") && !first {
                index += 1
                return negated ? set.inverted : set
            }
            first = false
            if byte == UInt8(ascii: "[") && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: ":") {
                return nil
            }
            // One member: a byte or an escape, possibly the start of a range.
            let low: UInt8
            if byte == UInt8(ascii: "\\") {
                guard index + 1 < bytes.count else { return nil }
                let letter = bytes[index + 1]
                index += 2
                guard let member = escapedSet(letter) else { return nil }
                guard let only = member.onlyMember else {
                    set = set.union(member)
                    continue
                }
                low = only
            } else {
                low = byte
                index += 1
            }
            if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "-"), bytes[index + 1] != UInt8(ascii: "]") {
                var high = bytes[index + 1]
                index += 2
                if high == UInt8(ascii: "\\") {
                    guard index < bytes.count else { return nil }
                    let letter = bytes[index]
                    index += 1
                    guard let only = escapedSet(letter)?.onlyMember else { return nil }
                    high = only
                }
                guard high != UInt8(ascii: "["), low <= high else { return nil }
                set = set.union(ByteSet(range: low...high))
            } else {
                set.insert(low)
            }
        }
        return nil
    }

    /// `(…)`, `(?:…)`, `(?i:…)`, or inline flags `(?i)`; nil for look-arounds, named groups and comments.
    private mutating func group() -> Atom.Kind? {
        let start = index
        index += 1
        if index < bytes.count, bytes[index] == UInt8(ascii: "?") {
            index += 1
            while index < bytes.count, Self.isFlagLetter(bytes[index]) { index += 1 }
            // Extended mode (`x`) gives whitespace and `#` other meanings.
            if bytes[(start + 2)..<index].contains(UInt8(ascii: "x")) { return nil }
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: ")") {
                index += 1
                return index - start > 3 ? .flags : nil
            }
            guard bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
        }
        let opener = Array(bytes[start..<index])
        guard let content = sequence(topLevel: false), index < bytes.count, bytes[index] == UInt8(ascii: ")") else {
            return nil
        }
        index += 1
        return .group(opener: opener, content: content)
    }

    private static func isFlagLetter(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "i") || byte == UInt8(ascii: "m") || byte == UInt8(ascii: "s") || byte == UInt8(ascii: "x")
            || byte == UInt8(ascii: "-")
    }

    /// `?`, `*`, `+`, `{n}`, `{n,}`, `{n,m}` with an optional lazy `?` or possessive `+`; `.some(nil)` when there
    /// is none, nil when a `{` is not a count.
    private mutating func quantifier() -> (min: Int, max: Int?, suffix: [UInt8])?? {
        guard index < bytes.count else { return .some(nil) }
        var bounds: (min: Int, max: Int?)
        switch bytes[index] {
        case UInt8(ascii: "?"): bounds = (0, 1)
        case UInt8(ascii: "*"): bounds = (0, nil)
        case UInt8(ascii: "+"): bounds = (1, nil)
        case UInt8(ascii: "{"):
            guard let close = bytes[index...].firstIndex(of: UInt8(ascii: "}")) else { return nil }
            let parts = String(decoding: bytes[(index + 1)..<close], as: UTF8.self)
                .split(separator: ",", omittingEmptySubsequences: false)
            guard (1...2).contains(parts.count), let low = Int(parts[0]) else { return nil }
            if parts.count == 1 {
                bounds = (low, low)
            } else if parts[1].isEmpty {
                bounds = (low, nil)
            } else {
                guard let high = Int(parts[1]), high >= low else { return nil }
                bounds = (low, high)
            }
            index = close
        default:
            return .some(nil)
        }
        index += 1
        var suffix: [UInt8] = []
        if index < bytes.count, bytes[index] == UInt8(ascii: "?") || bytes[index] == UInt8(ascii: "+") {
            suffix = [bytes[index]]
            index += 1
        }
        return .some((bounds.min, bounds.max, suffix))
    }
}
