import Foundation
import Synchronization

/// A long name list kept as its file's bytes and searched by halving, so indexing it costs one pass over the text
/// and no set of strings: the given-name and surname lists hold over 150,000 entries, and every `promptgate`
/// command builds them at start-up (the pass itself waits for the list's first use).
///
/// Entries are compared folded (upper case, accents dropped; see ``Gazetteers``). A file's plain-ASCII entries that
/// come in ascending folded order (as `scripts/build-gazetteers.py` writes them) are searched in place; any other
/// entry (accented, or out of order, as in the hand-kept lists) goes into a small set. The built-in lists come as a
/// `NameTable` (internal) as well, searched where it lies in the binary with nothing indexed at all.
public struct NameList: Sendable, Sequence {
    /// Entries folded ahead of time, searched in place; the texts hold the rest.
    let table: NameTable?
    /// The searchable form, built from the files' texts at the first search (or count, or walk) of the list: a
    /// command whose text has nothing that may be a name (`promptgate check hello`) never indexes the surnames.
    private let holder: Holder

    /// A list of these entries (any order, any script).
    public init(_ entries: [String]) {
        table = nil
        holder = Holder(files: [], index: Index(texts: [], others: Set(entries.map { Gazetteers.fold($0[...]) })))
    }

    /// The entries of gazetteer files: one per line, `#` starts a comment line, blank lines and surrounding
    /// spaces ignored. The texts are indexed when the list is first used.
    public init(files: [String]) {
        table = nil
        holder = Holder(files: files, index: nil)
    }

    /// The entries of `table` and of gazetteer files' texts (`files`, indexed at first use, as above).
    init(table: NameTable, files: [String]) {
        self.table = table
        holder = Holder(files: files, index: nil)
    }

    /// The form searched, built once: two threads that use a list first at the same time may each build it, and
    /// both then use the one stored first.
    private final class Holder: Sendable {
        private let files: [String]
        private let reference = AtomicLazyReference<Index>()

        init(files: [String], index: Index?) {
            self.files = files
            if let index { _ = reference.storeIfNil(index) }
        }

        var index: Index {
            if let index = reference.load() { return index }
            return reference.storeIfNil(Index(files: files))
        }
    }
}

/// A name list's texts indexed: see ``NameList``.
private final class Index: Sendable {
    /// Each text's bytes and the byte ranges of its sorted entries, as (start, end) pairs in one array: a probe
    /// of the search reads one pair, and no line end is looked for.
    let texts: [(bytes: [UInt8], bounds: [Int32])]
    /// Folded entries that cannot be searched in place, and the same for a look-up by bytes.
    let others: Set<String>
    let otherWords: WordSet

    init(texts: [(bytes: [UInt8], bounds: [Int32])], others: Set<String>) {
        self.texts = texts
        self.others = others
        otherWords = WordSet(others)
    }

    convenience init(files: [String]) {
        var texts: [(bytes: [UInt8], bounds: [Int32])] = []
        var others: Set<String> = []
        for file in files {
            let bytes = Array(file.utf8)
            var bounds: [Int32] = []
            bytes.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return }
                bounds.reserveCapacity(raw.count / 4)
                var previous: Range<Int>?
                var lineStart = 0
                while lineStart < raw.count {
                    // Lines found with memchr, entries checked on unchecked bytes: the built-in lists are over a
                    // megabyte, read at every start.
                    let lineEnd =
                        memchr(base + lineStart, 0x0A, raw.count - lineStart).map {
                            $0 - UnsafeMutableRawPointer(mutating: base)
                        }
                        ?? raw.count
                    defer { lineStart = lineEnd + 1 }
                    var start = lineStart
                    var end = lineEnd
                    while start < end && (raw[start] == 0x20 || raw[start] == 0x09) { start += 1 }
                    while end > start && (raw[end - 1] == 0x20 || raw[end - 1] == 0x09 || raw[end - 1] == 0x0D) {
                        end -= 1
                    }
                    guard start < end, raw[start] != 0x23 else { continue }
                    let entry = start..<end
                    var ascii = entry.upperBound == lineEnd && entry.lowerBound == lineStart
                    var index = start
                    while ascii && index < end {
                        ascii = raw[index] < 0x80
                        index += 1
                    }
                    if ascii && (previous.map { NameList.compare(raw, $0, raw, entry) < 0 } ?? true) {
                        bounds.append(Int32(start))
                        bounds.append(Int32(end))
                        previous = entry
                    } else {
                        others.insert(
                            Gazetteers.fold(Substring(String(decoding: raw[entry], as: UTF8.self))))
                    }
                }
            }
            texts.append((bytes, bounds))
        }
        self.init(texts: texts, others: others)
    }
}

extension NameList {
    /// Whether the list holds `folded` (a word already folded with `Gazetteers.fold(_:)`).
    public func contains(_ folded: String) -> Bool {
        if let table {
            var folded = folded
            if folded.withUTF8({ table.contains(UnsafeRawBufferPointer($0)) }) { return true }
        }
        let index = holder.index
        if !index.others.isEmpty && index.others.contains(folded) { return true }
        if let found = folded.utf8.withContiguousStorageIfAvailable({
            Self.search(index.texts, UnsafeRawBufferPointer($0))
        }) {
            return found
        }
        return Array(folded.utf8).withUnsafeBytes { Self.search(index.texts, $0) }
    }

    /// Whether the list holds `key`, a word folded with `Gazetteers.fold(_:)` whose bytes are all ASCII: as
    /// `contains(_:)` answers for its string, without one.
    func contains(asciiFolded key: UnsafeRawBufferPointer) -> Bool {
        if let table, table.contains(key) { return true }
        let index = holder.index
        if !index.others.isEmpty && index.otherWords.contains(key) { return true }
        return Self.search(index.texts, key)
    }

    /// Whether a sorted text holds `key` (folded bytes), by halving.
    private static func search(_ texts: [(bytes: [UInt8], bounds: [Int32])], _ key: UnsafeRawBufferPointer) -> Bool {
        for text in texts {
            let found = text.bytes.withUnsafeBytes { bytes in
                text.bounds.withUnsafeBufferPointer { bounds in
                    var low = 0
                    var high = bounds.count / 2
                    while low < high {
                        let middle = (low + high) / 2
                        let order = Self.compare(
                            bytes, Int(bounds[2 * middle])..<Int(bounds[2 * middle + 1]), key, 0..<key.count)
                        if order == 0 { return true }
                        if order < 0 { low = middle + 1 } else { high = middle }
                    }
                    return false
                }
            }
            if found { return true }
        }
        return false
    }

    /// How many entries the list holds (an entry listed twice in different files counts twice).
    public var count: Int {
        let index = holder.index
        return index.texts.reduce(index.others.count + (table?.count ?? 0)) { $0 + $1.bounds.count / 2 }
    }

    /// The folded entries: the table's, then those searched in place, then the rest.
    public func makeIterator() -> AnyIterator<String> {
        var tabled: [String] = []
        table?.forEachEntry { tabled.append(String(decoding: $0, as: UTF8.self)) }
        var fromTable = tabled.makeIterator()
        let texts = holder.index.texts
        var textIndex = 0
        var entryIndex = 0
        var rest = holder.index.others.makeIterator()
        return AnyIterator {
            if let entry = fromTable.next() { return entry }
            while textIndex < texts.count {
                let text = texts[textIndex]
                if entryIndex < text.bounds.count / 2 {
                    let range = Self.entry(text, entryIndex)
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
    /// without making strings: for hashing every entry. The table's entries (folded) come first, unless
    /// `includingTable` is false.
    func forEachEntry(includingTable: Bool = true, _ body: (UnsafeRawBufferPointer, Int, Int) -> Void) {
        if includingTable { table?.forEachEntry { body($0, 0, $0.count) } }
        let list = holder.index
        for text in list.texts {
            text.bytes.withUnsafeBytes { raw in
                for index in 0..<(text.bounds.count / 2) {
                    let range = Self.entry(text, index)
                    body(raw, range.lowerBound, range.upperBound)
                }
            }
        }
        for word in list.others {
            let bytes = Array(word.utf8)
            bytes.withUnsafeBytes { body($0, 0, bytes.count) }
        }
    }

    private static func entry(_ text: (bytes: [UInt8], bounds: [Int32]), _ index: Int) -> Range<Int> {
        Int(text.bounds[2 * index])..<Int(text.bounds[2 * index + 1])
    }

    @inline(__always)
    private static func upper(_ byte: UInt8) -> UInt8 { byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte }

    /// Orders two ASCII byte ranges by their upper-case bytes (the folded order for ASCII).
    fileprivate static func compare(_ a: [UInt8], _ ra: Range<Int>, _ b: [UInt8], _ rb: Range<Int>) -> Int {
        a.withUnsafeBytes { a in b.withUnsafeBytes { b in compare(a, ra, b, rb) } }
    }

    @inline(__always)
    fileprivate static func compare(
        _ a: UnsafeRawBufferPointer, _ ra: Range<Int>, _ b: UnsafeRawBufferPointer, _ rb: Range<Int>
    ) -> Int {
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
