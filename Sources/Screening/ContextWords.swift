/// A rule's context words (or its negative words), ready to be looked for around a candidate.
///
/// The words are indexed by their first byte, so a window is read once, whatever the number of words: at each
/// word start in the window only the words beginning with that byte are compared. Comparison ignores ASCII case;
/// words are matched whole (not inside a longer word), and the edges of the window count as word boundaries.
struct ContextWords: Sendable {
    let words: [String]
    private let needles: [[UInt8]]
    /// For each byte, the indices (in list order) of the words that start with it.
    private let byFirstByte: [[Int]]

    init(_ words: [String]) {
        self.words = words
        needles = words.map { Array($0.utf8) }
        var index = [[Int]](repeating: [], count: 256)
        for (position, needle) in needles.enumerated() {
            if let first = needle.first { index[Int(first)].append(position) }
        }
        byFirstByte = index
    }

    /// The first of the words in list order found in `bytes[lower..<upper]`, if any.
    func first(in bytes: UnsafeRawBufferPointer, from lower: Int, to upper: Int) -> String? {
        match(in: bytes, from: lower, to: upper)?.word
    }

    /// The first of the words in list order found in `bytes[lower..<upper]`, and where it is.
    func match(in bytes: UnsafeRawBufferPointer, from lower: Int, to upper: Int) -> (word: String, at: Range<Int>)? {
        guard !needles.isEmpty else { return nil }
        var best = Int.max
        var bestAt = 0
        var i = lower
        while i < upper {
            let candidates = byFirstByte[Int(Self.folded(bytes[i]))]
            if !candidates.isEmpty, i == lower || !Self.isWordByte(bytes[i - 1]) {
                for index in candidates where index < best {
                    let needle = needles[index]
                    guard i + needle.count <= upper else { continue }
                    var k = 1
                    while k < needle.count && Self.folded(bytes[i + k]) == needle[k] { k += 1 }
                    if k == needle.count && (i + needle.count == upper || !Self.isWordByte(bytes[i + needle.count])) {
                        // Candidates come in list order: the first that matches here is the best here.
                        best = index
                        bestAt = i
                        break
                    }
                }
                if best == 0 { break }
            }
            i += 1
        }
        return best == Int.max ? nil : (words[best], bestAt..<(bestAt + needles[best].count))
    }

    @inline(__always) private static func folded(_ b: UInt8) -> UInt8 { (b >= 0x41 && b <= 0x5A) ? b + 0x20 : b }

    /// A letter, digit or underscore (any byte ≥ 0x80 counts as a letter).
    @inline(__always) private static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == 0x5F || b >= 0x80
    }
}
