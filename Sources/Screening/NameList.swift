/// A long name list kept as its file's bytes and searched by halving, so loading it costs one pass over the text
/// and no set of strings: the given-name and surname lists hold over 120,000 entries, and every `promptgate`
/// command loads them at start-up.
///
/// Entries are compared folded (upper case, accents dropped; see ``Gazetteers``). A file's plain-ASCII entries that
/// come in ascending folded order (as `scripts/build-gazetteers.py` writes them) are searched in place; any other
/// entry (accented, or out of order, as in the hand-kept lists) goes into a small set.
public struct NameList: Sendable, Sequence {
    /// Each text's bytes and the offsets of its sorted entries (start of each line; the end is the next newline).
    private let texts: [(bytes: [UInt8], starts: [Int32])]
    /// Folded entries that cannot be searched in place.
    private let others: Set<String>

    /// A list of these entries (any order, any script).
    public init(_ entries: [String]) {
        texts = []
        others = Set(entries.map { Gazetteers.fold($0[...]) })
    }

    /// The entries of gazetteer files: one per line, `#` starts a comment line, blank lines and surrounding
    /// spaces ignored.
    public init(files: [String]) {
        var texts: [(bytes: [UInt8], starts: [Int32])] = []
        var others: Set<String> = []
        for file in files {
            let bytes = Array(file.utf8)
            var starts: [Int32] = []
            var previous: Range<Int>?
            var lineStart = 0
            while lineStart < bytes.count {
                var lineEnd = lineStart
                while lineEnd < bytes.count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
                defer { lineStart = lineEnd + 1 }
                var start = lineStart
                var end = lineEnd
                while start < end && (bytes[start] == 0x20 || bytes[start] == 0x09) { start += 1 }
                while end > start && (bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 || bytes[end - 1] == 0x0D) {
                    end -= 1
                }
                guard start < end, bytes[start] != 0x23 else { continue }
                let entry = start..<end
                let inPlace =
                    entry.upperBound == lineEnd && entry.lowerBound == lineStart
                    && bytes[entry].allSatisfy { $0 < 0x80 }
                    && (previous.map { Self.compare(bytes, $0, bytes, entry) < 0 } ?? true)
                if inPlace {
                    starts.append(Int32(start))
                    previous = entry
                } else {
                    others.insert(
                        Gazetteers.fold(Substring(String(decoding: bytes[entry], as: UTF8.self))))
                }
            }
            texts.append((bytes, starts))
        }
        self.texts = texts
        self.others = others
    }

    /// Whether the list holds `folded` (a word already folded with `Gazetteers.fold(_:)`).
    public func contains(_ folded: String) -> Bool {
        if others.contains(folded) { return true }
        let key = Array(folded.utf8)
        for text in texts {
            var low = 0
            var high = text.starts.count
            while low < high {
                let middle = (low + high) / 2
                let order = Self.compare(text.bytes, entry(text, middle), key, 0..<key.count)
                if order == 0 { return true }
                if order < 0 { low = middle + 1 } else { high = middle }
            }
        }
        return false
    }

    /// How many entries the list holds (an entry listed twice in different files counts twice).
    public var count: Int { texts.reduce(others.count) { $0 + $1.starts.count } }

    /// The folded entries, those searched in place first.
    public func makeIterator() -> AnyIterator<String> {
        var textIndex = 0
        var entryIndex = 0
        var rest = others.makeIterator()
        return AnyIterator {
            while textIndex < texts.count {
                let text = texts[textIndex]
                if entryIndex < text.starts.count {
                    let range = entry(text, entryIndex)
                    entryIndex += 1
                    return String(decoding: text.bytes[range].map(Self.upper), as: UTF8.self)
                }
                textIndex += 1
                entryIndex = 0
            }
            return rest.next()
        }
    }

    /// Calls `body` with each entry's bytes as written (ASCII entries in their file's case, the others folded),
    /// without making strings: for hashing every entry.
    func forEachEntry(_ body: (UnsafeRawBufferPointer, Int, Int) -> Void) {
        for text in texts {
            text.bytes.withUnsafeBytes { raw in
                for index in text.starts.indices {
                    let range = entry(text, index)
                    body(raw, range.lowerBound, range.upperBound)
                }
            }
        }
        for word in others {
            let bytes = Array(word.utf8)
            bytes.withUnsafeBytes { body($0, 0, bytes.count) }
        }
    }

    private func entry(_ text: (bytes: [UInt8], starts: [Int32]), _ index: Int) -> Range<Int> {
        let start = Int(text.starts[index])
        var end = start
        while end < text.bytes.count && text.bytes[end] != 0x0A && text.bytes[end] != 0x0D { end += 1 }
        return start..<end
    }

    @inline(__always)
    private static func upper(_ byte: UInt8) -> UInt8 { byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte }

    /// Orders two ASCII byte ranges by their upper-case bytes (the folded order for ASCII).
    private static func compare(_ a: [UInt8], _ ra: Range<Int>, _ b: [UInt8], _ rb: Range<Int>) -> Int {
        var i = ra.lowerBound
        var j = rb.lowerBound
        while i < ra.upperBound && j < rb.upperBound {
            let x = upper(a[i])
            let y = upper(b[j])
            if x != y { return x < y ? -1 : 1 }
            i += 1
            j += 1
        }
        return (ra.upperBound - i) - (rb.upperBound - j) == 0 ? 0 : (i < ra.upperBound ? 1 : -1)
    }
}
