/// A rule's context words (or its negative words), ready to be looked for around a candidate.
///
/// The words are indexed by their first byte, so a window is read once, whatever the number of words: at each
/// word start in the window only the words beginning with that byte are compared. Comparison ignores ASCII case;
/// words are matched whole (not inside a longer word), and the edges of the window count as word boundaries.
///
/// A class, not a struct: the screener reads a rule's words for every candidate, and a copy of a struct of five
/// arrays costs five retains and releases where a reference costs one.
final class ContextWords: Sendable {
    let words: [String]
    /// The words' bytes one after the other: word `i` is `bytes[offsets[i]..<offsets[i + 1]]`.
    private let bytes: [UInt8]
    private let offsets: [Int]
    /// The indices of the words (in list order) by first byte: those starting with byte `b` are
    /// `order[firsts[b]..<firsts[b + 1]]`. Flat arrays, read through pointers: an array of arrays costs a retain
    /// and release at every byte of the window.
    private let order: [Int]
    private let firsts: [Int]

    init(_ words: [String]) {
        self.words = words
        // Most rules have no negative words, some no context words: nothing to index (`match` reads none of it).
        guard !words.isEmpty else {
            (bytes, offsets, order, firsts) = ([], [0], [], [])
            return
        }
        // A counting sort by first byte, stable so that each byte's words stay in list order. Every screener
        // builds four of these per rule at start: no array per byte.
        var bytes: [UInt8] = []
        var offsets = [0]
        offsets.reserveCapacity(words.count + 1)
        var firsts = [Int](repeating: 0, count: 257)
        for word in words {
            bytes += word.utf8
            offsets.append(bytes.count)
            if let first = word.utf8.first { firsts[Int(first) + 1] += 1 }
        }
        for byte in 0..<256 { firsts[byte + 1] += firsts[byte] }
        var order = [Int](repeating: 0, count: firsts[256])
        var next = firsts
        for (position, word) in words.enumerated() {
            guard let first = word.utf8.first else { continue }
            order[next[Int(first)]] = position
            next[Int(first)] += 1
        }
        self.bytes = bytes
        self.offsets = offsets
        self.order = order
        self.firsts = firsts
    }

    /// The first of the words in list order found in `bytes[lower..<upper]`, if any.
    func first(in bytes: UnsafeRawBufferPointer, from lower: Int, to upper: Int) -> String? {
        match(in: bytes, from: lower, to: upper)?.word
    }

    /// The first of the words in list order found in `bytes[lower..<upper]`, and where it is.
    func match(in text: UnsafeRawBufferPointer, from lower: Int, to upper: Int) -> (word: String, at: Range<Int>)? {
        guard !words.isEmpty, lower < upper else { return nil }
        let found = bytes.withUnsafeBufferPointer { needles in
            offsets.withUnsafeBufferPointer { offsets in
                order.withUnsafeBufferPointer { order in
                    firsts.withUnsafeBufferPointer { firsts in
                        Self.search(
                            text, lower, upper, needles: needles, offsets: offsets, order: order, firsts: firsts)
                    }
                }
            }
        }
        guard let (best, at) = found else { return nil }
        return (words[best], at..<(at + offsets[best + 1] - offsets[best]))
    }

    /// The index of the first word in list order that occurs whole in `text[lower..<upper]`, and where.
    private static func search(
        _ text: UnsafeRawBufferPointer, _ lower: Int, _ upper: Int, needles: UnsafeBufferPointer<UInt8>,
        offsets: UnsafeBufferPointer<Int>, order: UnsafeBufferPointer<Int>, firsts: UnsafeBufferPointer<Int>
    ) -> (Int, Int)? {
        var best = Int.max
        var bestAt = 0
        var i = lower
        // Whether the byte before `i` is a word byte (the window's edge counts as a boundary): carried along, so
        // each byte is read once, and a byte inside a word is passed over without looking its words up.
        var afterWordByte = false
        while i < upper {
            let byte = text[i]
            defer {
                afterWordByte = isWordByte(byte)
                i += 1
            }
            if afterWordByte { continue }
            let first = Int(folded(byte))
            let (from, to) = (firsts[first], firsts[first + 1])
            if from < to {
                for slot in from..<to {
                    let index = order[slot]
                    // Candidates come in list order: none after a better one can be better.
                    if index >= best { break }
                    let (start, end) = (offsets[index], offsets[index + 1])
                    let count = end - start
                    guard i + count <= upper else { continue }
                    var k = 1
                    while k < count && folded(text[i + k]) == needles[start + k] { k += 1 }
                    if k == count && (i + count == upper || !isWordByte(text[i + count])) {
                        // The first that matches here is the best here.
                        best = index
                        bestAt = i
                        break
                    }
                }
                if best == 0 { break }
            }
        }
        return best == Int.max ? nil : (best, bestAt)
    }

    @inline(__always) private static func folded(_ b: UInt8) -> UInt8 { (b >= 0x41 && b <= 0x5A) ? b + 0x20 : b }

    /// A letter, digit or underscore (any byte ≥ 0x80 counts as a letter).
    @inline(__always) private static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == 0x5F || b >= 0x80
    }
}
