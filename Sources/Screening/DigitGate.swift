/// Where in a text the prefilter entries that need a digit can match, so their database scans only those parts.
///
/// Most identifiers' forms (`\d{9}\b`, `\d{3} ?\d{3} ?\d{3}\b`, phone numbers, dates, card numbers) cannot match
/// without an ASCII digit, and none is longer than a few dozen bytes; prose holds few digits. An entry is *gated*
/// when its syntax shows that every match holds a digit (``PatternSyntax/mustMatch(_:)``, conservative: when unsure it
/// is not), its widest match is at most ``widest`` bytes, it has no line anchor (`^`, `$`, `\A`, `\z`, `\Z`), and
/// no match can hold the ``separator`` byte. Gated entries share one database, scanned over a *compacted* text: the
/// segments of the text within `width` bytes of a digit (`width` the widest gated match), each widened outward until
/// a byte that is not a word byte (or the text's end), joined by one ``separator``. One scan over the joined segments
/// costs about what a whole-text scan of the same length does, where a scan per segment would pay the engine's fixed
/// cost each time.
///
/// Why the joined segments report exactly the ends a whole-text scan does:
/// - a match of a gated entry holds a digit `d` and spans at most `width` bytes, so it lies within
///   `d − width + 1 ..< d + width`, inside the segment around `d`;
/// - no match can hold the separator, so every match in the joined text lies within one segment;
/// - inside a segment the bytes are the text's; just outside it there is, in the text, a byte that is not a word byte
///   or the text's end, and in the joined text the separator (not a word byte) or the joined text's end. The only
///   assertions a gated entry can hold are `\b` and `\B`, which read only whether the byte either side is a word
///   byte: they hold at the same places;
/// - segments are merged when they overlap or touch, so each end is reported once.
///
/// When the segments cover half the text or more (text dense with numbers), the whole text is scanned instead.
struct DigitGate {
    /// The byte that joins segments: a gated entry cannot match it, and it is not a word byte.
    static let separator: UInt8 = 0
    /// The widest match a gated entry may have (bytes): wider ones would make the segments cover most of prose.
    static let widest = 64

    /// The widest match of any gated entry.
    let width: Int

    /// Whether an entry read as `syntax`, whose matches span at most `maximumWidth` bytes, may be gated.
    static func admits(_ syntax: PatternSyntax, maximumWidth: Int) -> Bool {
        maximumWidth >= 1 && maximumWidth <= widest && !syntax.hasLineAnchors && syntax.mustMatch(.digits)
            && !syntax.top.canMatch(ByteSet(bytes: [separator]))
    }

    /// The segments of `bytes` a gated entry can match in, in order, disjoint and not touching; nil when they cover
    /// half the text or more (scan it whole).
    func segments(of bytes: UnsafeRawBufferPointer) -> [Range<Int>]? {
        let count = bytes.count
        guard count > 0, let base = bytes.baseAddress else { return [] }
        var segments: [Range<Int>] = []
        var covered = 0
        // The segment being built: its start, and how far its digits reach (not yet widened to a non-word byte).
        var start = -1
        var reach = -1
        /// `\w` as the engine reads it without UTF-8 mode: ASCII letters, digits and `_`.
        func isWord(_ byte: UInt8) -> Bool { (byte | 0x20) &- 0x61 < 26 || byte &- 0x30 < 10 || byte == 0x5F }
        func widenedEnd(_ end: Int) -> Int {
            var end = end
            while end < count && isWord(bytes[end]) { end += 1 }
            return end
        }
        func add(digit: Int) {
            let low = max(0, digit - width + 1)
            let high = min(count, digit + width)
            if start >= 0 {
                if low <= reach {
                    reach = max(reach, high)
                    return
                }
                let end = widenedEnd(reach)
                if low <= end {
                    reach = max(end, high)
                    return
                }
                segments.append(start..<end)
                covered += end - start
            }
            // Back to just after a non-word byte: the segment before ends at one, so this one starts after it.
            start = low
            while start > 0 && isWord(bytes[start - 1]) { start -= 1 }
            reach = high
        }
        // The digits, sixteen bytes at a time.
        var index = 0
        let zero = SIMD16<UInt8>(repeating: 0x30)
        let ten = SIMD16<UInt8>(repeating: 10)
        while index + 16 <= count {
            let chunk = base.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
            let isDigit = (chunk &- zero) .< ten
            if any(isDigit) {
                for lane in 0..<16 where isDigit[lane] { add(digit: index + lane) }
                if covered * 2 >= count { return nil }
            }
            index += 16
        }
        while index < count {
            if bytes[index] &- 0x30 < 10 { add(digit: index) }
            index += 1
        }
        if start >= 0 {
            let end = widenedEnd(reach)
            segments.append(start..<end)
            covered += end - start
        }
        return covered * 2 >= count ? nil : segments
    }

    /// The segments joined by the separator (the caller deallocates them), and where each starts in them.
    static func join(_ segments: [Range<Int>], of bytes: UnsafeRawBufferPointer) -> (
        joined: UnsafeMutableRawBufferPointer, starts: [Int]
    ) {
        let joined = UnsafeMutableRawBufferPointer.allocate(
            byteCount: segments.reduce(0) { $0 + $1.count + 1 }, alignment: 16)
        var starts: [Int] = []
        starts.reserveCapacity(segments.count)
        var offset = 0
        for segment in segments {
            starts.append(offset)
            UnsafeMutableRawBufferPointer(rebasing: joined[offset..<(offset + segment.count)])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[segment]))
            offset += segment.count
            joined[offset] = separator
            offset += 1
        }
        return (joined, starts)
    }

    /// The offset in the text of `end`, an end reported in the joined segments (`starts` as ``join(_:of:)`` gives).
    static func textOffset(ofJoined end: Int, segments: [Range<Int>], starts: [Int]) -> Int {
        // The last segment starting before the end (a match is never empty, so it ends after its segment's start).
        var low = 0
        var high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] < end { low = middle } else { high = middle - 1 }
        }
        return segments[low].lowerBound + (end - starts[low])
    }
}
