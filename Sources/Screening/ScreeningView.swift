/// The text the engine reads: the original with every character that hides a value without showing removed —
/// default-ignorable code points (zero-width space and joiners, soft hyphen, bidi controls, variation selectors,
/// tag characters, from the Unicode Character Database via `Unicode.Scalar.Properties`) and control characters
/// other than tab and line breaks (NUL, escape, C1 controls). `jane@exa\u{200B}mple.org` and `123-45\u{0}-6789`
/// are then read as the values they display as.
///
/// Each byte of the view remembers the byte of the original it came from, so a finding's span is mapped back to
/// the original bytes, hidden characters inside it included, and a redaction replaces exactly what was written.
struct ScreeningView {
    /// The view's UTF-8 bytes.
    let bytes: [UInt8]
    /// For each byte of `bytes`, its offset in the original text.
    private let origin: [Int]

    /// The view of `text`, or nil when nothing in it is hidden (the usual case: the text is scanned as it is).
    init?(_ text: String) {
        guard !Self.isPlain(text) else { return nil }
        var bytes: [UInt8] = []
        var origin: [Int] = []
        bytes.reserveCapacity(text.utf8.count)
        origin.reserveCapacity(text.utf8.count)
        var offset = 0
        var removed = false
        for scalar in text.unicodeScalars {
            let width = UTF8.width(scalar)
            if Self.hides(scalar) {
                removed = true
            } else {
                // Each byte maps to its own byte of the original, so a span's end maps to its scalar's end.
                var k = 0
                UTF8.encode(scalar) { byte in
                    bytes.append(byte)
                    origin.append(offset + k)
                    k += 1
                }
            }
            offset += width
        }
        guard removed else { return nil }
        self.bytes = bytes
        self.origin = origin
    }

    /// The original span of the view's bytes `start..<end` (end exclusive, `start < end`).
    func originalRange(_ start: Int, _ end: Int) -> Range<Int> { origin[start]..<(origin[end - 1] + 1) }

    /// Whether a scalar hides in text: shown as nothing, so a value with it inside reads as the value without.
    static func hides(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return false
        case 0x00..<0x20, 0x7F..<0xA0: return true
        default: return scalar.value >= 0xA0 && scalar.properties.isDefaultIgnorableCodePoint
        }
    }

    /// True when the text is printable ASCII, tabs and line breaks only: nothing in it can hide.
    private static func isPlain(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { buffer in
            for byte in buffer where byte >= 0x7F || (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) {
                return false
            }
            return true
        }
    }
}
