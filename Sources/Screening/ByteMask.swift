/// Sixteen bytes of a text tested at once, for the scans of the structure pass and the name triggers: each test
/// gives its answer as lanes, one byte per byte of the chunk (0xFF where the byte is one it names, else 0), in two
/// 64-bit words, and ``first(_:)`` says where the first is. The scans stop at the same bytes a byte-by-byte loop
/// would (each has a test that compares the two on seeded texts).
enum ByteMask {
    /// The sixteen bytes at `pointer`.
    @inline(__always)
    static func load(_ pointer: UnsafeRawPointer) -> SIMD16<UInt8> {
        pointer.loadUnaligned(as: SIMD16<UInt8>.self)
    }

    /// Lanes as two words, the first byte in the low byte of the first.
    @inline(__always)
    static func lanes(_ mask: SIMDMask<SIMD16<Int8>>) -> SIMD2<UInt64> {
        unsafeBitCast(mask, to: SIMD2<UInt64>.self)
    }

    /// The offset of the first lane set, or 16 when none is.
    @inline(__always)
    static func first(_ lanes: SIMD2<UInt64>) -> Int {
        if lanes[0] != 0 { return lanes[0].trailingZeroBitCount >> 3 }
        if lanes[1] != 0 { return 8 + (lanes[1].trailingZeroBitCount >> 3) }
        return 16
    }

    // The constants are spelled `SIMD16<UInt8>(repeating:)`: inferred, the comparisons are not vectorised.

    /// Line breaks.
    @inline(__always)
    static func lineBreaks(_ chunk: SIMD16<UInt8>) -> SIMD2<UInt64> {
        lanes(chunk .== SIMD16<UInt8>(repeating: 0x0A))
    }

    /// Cell separators: `,` tab `|` `;`.
    @inline(__always)
    static func separators(_ chunk: SIMD16<UInt8>) -> SIMD2<UInt64> {
        let a = (chunk .== SIMD16<UInt8>(repeating: 0x2C)) .| (chunk .== SIMD16<UInt8>(repeating: 0x09))
        let b = (chunk .== SIMD16<UInt8>(repeating: 0x7C)) .| (chunk .== SIMD16<UInt8>(repeating: 0x3B))
        return lanes(a .| b)
    }

    /// Key bytes: `:` `=` `-`.
    @inline(__always)
    static func keyBytes(_ chunk: SIMD16<UInt8>) -> SIMD2<UInt64> {
        let a = (chunk .== SIMD16<UInt8>(repeating: 0x3A)) .| (chunk .== SIMD16<UInt8>(repeating: 0x3D))
        return lanes(a .| (chunk .== SIMD16<UInt8>(repeating: 0x2D)))
    }

    /// Bytes that may start a capitalised word: `A`…`Z` and 0xC3 (the lead byte of À…ß).
    @inline(__always)
    static func capitals(_ chunk: SIMD16<UInt8>) -> SIMD2<UInt64> {
        let upper = (chunk &- SIMD16<UInt8>(repeating: 0x41)) .< SIMD16<UInt8>(repeating: 26)
        return lanes(upper .| (chunk .== SIMD16<UInt8>(repeating: 0xC3)))
    }

    /// Bytes of a token (``PersonNameRecognizer/isTokenByte(_:)``) other than the apostrophe: ASCII letters, any
    /// byte ≥ 0x80, `-` and `.`.
    @inline(__always)
    static func tokenBytesButQuote(_ chunk: SIMD16<UInt8>) -> SIMD2<UInt64> {
        let folded = chunk | SIMD16<UInt8>(repeating: 0x20)
        let letter = (folded &- SIMD16<UInt8>(repeating: 0x61)) .< SIMD16<UInt8>(repeating: 26)
        let high = chunk .>= SIMD16<UInt8>(repeating: 0x80)
        let dashOrDot = (chunk &- SIMD16<UInt8>(repeating: 0x2D)) .< SIMD16<UInt8>(repeating: 2)
        return lanes((letter .| high) .| dashOrDot)
    }
}
