/// Where in a text the prefilter entries that need a digit can match, so their database scans only those parts.
///
/// Most identifiers' forms (`\d{9}\b`, `\d{3} ?\d{3} ?\d{3}\b`, phone numbers, dates, card numbers) cannot match
/// without an ASCII digit, and none is longer than a few dozen bytes; prose holds few digits. An entry is *gated*
/// when its syntax shows that every match holds a digit (``PatternSyntax/mustMatch(_:)``, conservative: when unsure it
/// is not), its widest match is at most ``widest`` bytes, it has no line anchor (`^`, `$`, `\A`, `\z`, `\Z`), and
/// no match can hold the ``separator`` byte. Gated entries share one database, scanned over a *compacted* text: for
/// each digit at `d`, the bytes `d − width ..< d + width + 1` (`width` the widest gated match), merged where they
/// overlap or touch, the segments joined by one ``separator``. One scan over the joined segments costs about what a
/// whole-text scan of the same length does, where a scan per segment would pay the engine's fixed cost each time.
///
/// Why the joined segments report exactly the ends a whole-text scan does:
/// - a match of a gated entry spans at most `width` bytes and holds a digit `d`, so it lies within
///   `d − width + 1 ..< d + width`, and the byte before it and the byte after it (all an assertion of the entry can
///   read: `\b` and `\B` look at one byte either side) lie within the segment around `d`, or are the text's edge,
///   which is then the joined text's edge too;
/// - no match can hold the separator, so every match in the joined text lies within one segment, holds one of its
///   digits, and so lies, with the byte either side, within that digit's bytes in the segment: a match of the text;
/// - segments are disjoint, so each end is reported once.
///
/// When the segments cover half the text or more (text dense with numbers), the whole text is scanned instead.
struct DigitGate {
    /// The byte that joins segments: no gated entry can match it.
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
        // The segment being built (empty until the first digit).
        var start = 0
        var end = 0
        func add(digit: Int) {
            let low = max(0, digit - width)
            let high = min(count, digit + width + 1)
            if end > start && low <= end {
                end = high
                return
            }
            if end > start {
                segments.append(start..<end)
                covered += end - start
            }
            start = low
            end = high
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
        if end > start {
            segments.append(start..<end)
            covered += end - start
        }
        return covered * 2 >= count ? nil : segments
    }

    /// The segments (at least one) joined by the separator (the caller deallocates them), and where each starts in
    /// them. Nothing follows the last: where it ends the text's end, the joined bytes end too.
    static func join(_ segments: [Range<Int>], of bytes: UnsafeRawBufferPointer) -> (
        joined: UnsafeMutableRawBufferPointer, starts: [Int]
    ) {
        let joined = UnsafeMutableRawBufferPointer.allocate(
            byteCount: segments.reduce(0) { $0 + $1.count + 1 } - 1, alignment: 16)
        var starts: [Int] = []
        starts.reserveCapacity(segments.count)
        var offset = 0
        for segment in segments {
            starts.append(offset)
            UnsafeMutableRawBufferPointer(rebasing: joined[offset..<(offset + segment.count)])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[segment]))
            offset += segment.count
            if offset < joined.count {
                joined[offset] = separator
                offset += 1
            }
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
