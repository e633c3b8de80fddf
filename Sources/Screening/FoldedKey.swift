import Foundation

/// A word folded as ``Gazetteers/fold(_:)`` folds it (upper case, accents dropped), for looking it up in the name
/// lists without making a string: up to 24 folded ASCII bytes held inline, or the folded string for a longer word
/// or one with letters the fast fold (``NameTriggers/forEachFoldedByte(_:_:_:_:)``) cannot read.
enum FoldedKey {
    case inline((UInt64, UInt64, UInt64), count: Int)
    case string(String)

    /// The word `bytes[start..<end]` folded.
    init(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) {
        // A letter never folds to more bytes than it is written in (`ß`, two bytes, is `SS`).
        if end - start <= 24 {
            var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
            var count = 0
            let folds = withUnsafeMutableBytes(of: &words) { buffer in
                NameTriggers.forEachFoldedByte(bytes, start, end) { byte in
                    buffer[count] = byte
                    count += 1
                }
            }
            if folds {
                self = .inline(words, count: count)
                return
            }
        }
        self = .string(
            Gazetteers.fold(
                Substring(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)))
        )
    }

    /// The folded word as a string.
    var string: String {
        switch self {
        case .inline(var words, let count):
            withUnsafeBytes(of: &words) {
                String(decoding: UnsafeRawBufferPointer(rebasing: $0[0..<count]), as: UTF8.self)
            }
        case .string(let string): string
        }
    }

    /// Whether the folded word is `word` (ASCII).
    func `is`(_ word: StaticString) -> Bool {
        switch self {
        case .inline(var words, let count):
            guard count == word.utf8CodeUnitCount else { return false }
            return withUnsafeBytes(of: &words) { memcmp($0.baseAddress!, word.utf8Start, count) == 0 }
        case .string(let string): return string == word.description
        }
    }
}

/// A set of folded words that answers for a ``FoldedKey`` as the set of strings would, without a string for an
/// inline key.
struct FoldedSet: Sendable {
    let strings: Set<String>
    private let words: WordSet

    init(_ strings: Set<String>) {
        self.strings = strings
        words = WordSet(strings)
    }

    func contains(_ key: FoldedKey) -> Bool {
        switch key {
        case .inline(var words, let count):
            withUnsafeBytes(of: &words) { self.words.contains(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        case .string(let string): strings.contains(string)
        }
    }
}

extension NameList {
    /// Whether the list holds the folded word `key`.
    func contains(_ key: FoldedKey) -> Bool {
        switch key {
        case .inline(var words, let count):
            withUnsafeBytes(of: &words) { contains(asciiFolded: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        case .string(let string): contains(string)
        }
    }
}

/// A set of words (as written, not folded) that answers for a word of the text as the set of strings would for
/// its decoded bytes: by its bytes when they are ASCII, else by the string.
struct RawWordSet: Sendable {
    let strings: Set<String>
    private let words: WordSet

    init(_ strings: Set<String>) {
        self.strings = strings
        words = WordSet(strings)
    }

    func contains(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Bool {
        for i in range where bytes[i] >= 0x80 {
            return strings.contains(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self))
        }
        return words.contains(bytes, range)
    }
}
