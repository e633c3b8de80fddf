import Foundation

/// The text the engine reads: the original as a reader would take it in, so that a value written to slip past a
/// pattern is still found.
///
/// - Characters that show as nothing are removed: default-ignorable code points (zero-width space and joiners,
///   soft hyphen, bidi controls, variation selectors, tag characters) and control characters other than tab and
///   line breaks (NUL, escape, C1 controls). `jane@exa\u{200B}mple.org` and `123-45\u{0}-6789` read as the values
///   they display as.
/// - Every Unicode decimal digit reads as its ASCII digit (`٥١٤`, full-width `５１４`), and compatibility forms read
///   as their NFKC form (full-width `＠`, ligatures, circled and superscript characters). Both come from the Unicode
///   Character Database, through `Unicode.Scalar.Properties` and ICU's NFKC.
/// - Letters that look like ASCII letters (Cyrillic `а`, Greek `ο`; Unicode's confusables data, UTS #39) read as
///   those letters inside a word that also holds ASCII letters or an at sign: `mаria@example.org`.
/// - Percent-encoded ASCII (`jane%40example.org`) and HTML character references (`&#64;`, `&#x40;`, `&commat;`)
///   read as the characters they encode.
///
/// Each byte of the view remembers the bytes of the original it came from, so a finding's span is mapped back to
/// the original, hidden and encoded characters inside it included, and a redaction replaces exactly what was
/// written.
struct ScreeningView {
    /// The view's UTF-8 bytes.
    let bytes: [UInt8]
    /// For each byte of `bytes`, the range of the original it came from.
    private let starts: [Int]
    private let ends: [Int]

    /// The view of `text`, or nil when it reads the same as written (the usual case: the text is scanned as it is).
    init?(_ text: String) {
        guard Self.mayChange(text) else { return nil }
        var out = Builder(capacity: text.utf8.count)
        let utf8 = Array(text.utf8)
        var offset = 0
        for scalar in text.unicodeScalars {
            let width = UTF8.width(scalar)
            defer { offset += width }
            if out.skip > 0 {
                // Part of a reference already decoded.
                out.skip -= width
                continue
            }
            if scalar.value < 0x80 {
                if scalar == "%" || scalar == "&", let (decoded, length) = Self.reference(in: utf8, at: offset) {
                    out.append(decoded, from: offset, to: offset + length)
                    out.skip = length - 1
                    continue
                }
                if Self.hides(scalar) {
                    out.changed = true
                    continue
                }
                out.append(scalar, from: offset, to: offset + 1)
                continue
            }
            if Self.hides(scalar) {
                out.changed = true
            } else if scalar.properties.numericType == .decimal, let value = scalar.properties.numericValue,
                value >= 0, value <= 9
            {
                out.append(Unicode.Scalar(UInt8(0x30 + Int(value))), from: offset, to: offset + width)
            } else if let compatible = Self.compatibilityForm(scalar) {
                for mapped in compatible.unicodeScalars { out.append(mapped, from: offset, to: offset + width) }
            } else if let ascii = Confusables.ascii[scalar.value], Self.inAddressLikeWord(utf8, at: offset) {
                out.append(Unicode.Scalar(ascii), from: offset, to: offset + width)
            } else {
                out.appendUnchanged(scalar, from: offset)
            }
        }
        guard out.changed else { return nil }
        self.bytes = out.bytes
        self.starts = out.starts
        self.ends = out.ends
    }

    /// The original span of the view's bytes `start..<end` (end exclusive, `start < end`).
    func originalRange(_ start: Int, _ end: Int) -> Range<Int> { starts[start]..<ends[end - 1] }

    /// Whether a scalar hides in text: shown as nothing, so a value with it inside reads as the value without.
    static func hides(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return false
        case 0x00..<0x20, 0x7F..<0xA0: return true
        default: return scalar.value >= 0xA0 && scalar.properties.isDefaultIgnorableCodePoint
        }
    }

    /// Whether the word around `offset` (to whitespace on either side, at most 256 bytes) holds an at sign or an
    /// ASCII letter: there a look-alike letter imitates an address or an identifier, and is folded; a word wholly
    /// in Cyrillic or Greek is left as it is.
    private static func inAddressLikeWord(_ bytes: [UInt8], at offset: Int) -> Bool {
        func marks(_ b: UInt8) -> Bool { b == 0x40 || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) }
        func space(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }
        var i = offset - 1
        while i >= max(0, offset - 256), !space(bytes[i]) {
            if marks(bytes[i]) { return true }
            i -= 1
        }
        i = offset + 1
        while i < min(bytes.count, offset + 256), !space(bytes[i]) {
            if marks(bytes[i]) { return true }
            i += 1
        }
        return false
    }

    /// The scalar's NFKC form when it differs (`＠` → `@`, `ﬁ` → `fi`), nil otherwise. Only scalars that change
    /// under NFKC case folding are asked (a cheap property), and a case difference alone is no change.
    private static func compatibilityForm(_ scalar: Unicode.Scalar) -> String? {
        guard scalar.properties.changesWhenNFKCCaseFolded else { return nil }
        let original = String(Character(scalar))
        let form = original.precomposedStringWithCompatibilityMapping
        return form == original ? nil : form
    }

    /// A percent-encoded ASCII character (`%40`) or an HTML character reference (`&#64;`, `&#x40;`, `&commat;`)
    /// at `offset`, as the character and the bytes it takes.
    private static func reference(in bytes: [UInt8], at offset: Int) -> (Unicode.Scalar, Int)? {
        func hex(_ b: UInt8) -> Int? {
            switch b {
            case 0x30...0x39: return Int(b - 0x30)
            case 0x41...0x46: return Int(b - 0x41 + 10)
            case 0x61...0x66: return Int(b - 0x61 + 10)
            default: return nil
            }
        }
        if bytes[offset] == 0x25 {
            guard offset + 2 < bytes.count, let high = hex(bytes[offset + 1]), let low = hex(bytes[offset + 2]) else {
                return nil
            }
            let value = high * 16 + low
            guard value >= 0x20, value < 0x7F else { return nil }
            return (Unicode.Scalar(UInt8(value)), 3)
        }
        // `&…;` within 10 bytes.
        guard let semicolon = bytes[offset..<min(bytes.count, offset + 10)].firstIndex(of: 0x3B) else { return nil }
        let body = bytes[(offset + 1)..<semicolon]
        let length = semicolon - offset + 1
        if body.first == 0x23 {
            let digits = body.dropFirst()
            var value = 0
            if digits.first == 0x78 || digits.first == 0x58 {
                guard digits.count > 1 else { return nil }
                for b in digits.dropFirst() {
                    guard let d = hex(b) else { return nil }
                    value = value * 16 + d
                }
            } else {
                guard !digits.isEmpty else { return nil }
                for b in digits {
                    guard b >= 0x30, b <= 0x39 else { return nil }
                    value = value * 10 + Int(b - 0x30)
                }
            }
            guard value >= 0x20, let scalar = Unicode.Scalar(value) else { return nil }
            return (scalar, length)
        }
        guard let named = namedReferences[String(decoding: body, as: UTF8.self)] else { return nil }
        return (named, length)
    }

    /// The HTML named character references for the punctuation that identifiers and addresses are written with.
    private static let namedReferences: [String: Unicode.Scalar] = [
        "commat": "@", "period": ".", "hyphen": "-", "dash": "-", "lowbar": "_", "plus": "+", "colon": ":",
        "sol": "/", "num": "#", "amp": "&", "nbsp": " ", "apos": "'", "quot": "\"", "lpar": "(", "rpar": ")",
    ]

    /// A quick look for anything the view would change: a non-ASCII byte, a control character, `%` or `&`.
    private static func mayChange(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { buffer in
            for byte in buffer
            where byte >= 0x7F || byte == 0x25 || byte == 0x26
                || (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D)
            {
                return true
            }
            return false
        }
    }

    /// The view as it is built.
    private struct Builder {
        var bytes: [UInt8] = []
        var starts: [Int] = []
        var ends: [Int] = []
        var changed = false
        /// Bytes of the original still to pass over (the rest of a decoded reference).
        var skip = 0

        init(capacity: Int) {
            bytes.reserveCapacity(capacity)
            starts.reserveCapacity(capacity)
            ends.reserveCapacity(capacity)
        }

        /// `scalar`, standing for the original's bytes `from..<to`: a change.
        mutating func append(_ scalar: Unicode.Scalar, from: Int, to: Int) {
            if to - from != 1 || scalar.value >= 0x80 { changed = true }
            UTF8.encode(scalar) { byte in
                bytes.append(byte)
                starts.append(from)
                ends.append(to)
            }
        }

        /// `scalar` as written at `from`: each byte maps to its own byte.
        mutating func appendUnchanged(_ scalar: Unicode.Scalar, from: Int) {
            var k = 0
            UTF8.encode(scalar) { byte in
                bytes.append(byte)
                starts.append(from + k)
                ends.append(from + k + 1)
                k += 1
            }
        }
    }
}
