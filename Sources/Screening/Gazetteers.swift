import Foundation

/// Word lists the person-name recogniser uses where no check digit exists: given names, surnames, given names that
/// are also everyday words, and capitalised words that never continue a name. Entries are compared without case
/// and accents (`José` matches `JOSE`).
///
/// The defaults (``embedded``) are `guidelines/gazetteers/*.txt`, built into the binary; each file names its source.
public struct Gazetteers: Sendable {
    /// Given names (over 45,000 built in), searched in place: see ``NameList``.
    public var givenNames: NameList
    /// Surnames (over 100,000 built in), searched in place.
    public var surnames: NameList
    /// Given names that start a name only before a known surname or after a title ("May", "Will", "Jordan").
    public var ambiguousGivenNames: Set<String> {
        didSet { ambiguousGivenNameSet = FoldedSet(ambiguousGivenNames) }
    }
    /// Capitalised words that end a name ("Street", "Department").
    public var notNameWords: Set<String> {
        didSet { notNameWordSet = FoldedSet(notNameWords) }
    }
    /// The two sets above, for look-ups by a word's folded bytes; kept in step with them.
    private(set) var ambiguousGivenNameSet: FoldedSet
    private(set) var notNameWordSet: FoldedSet

    public init(givenNames: [String], surnames: [String], ambiguousGivenNames: [String], notNameWords: [String]) {
        self.init(
            given: NameList(givenNames), surnames: NameList(surnames), ambiguousGivenNames: ambiguousGivenNames,
            notNameWords: notNameWords)
    }

    /// Lists read from gazetteer files' texts (one entry a line, `#` comments); the long sorted ones are searched
    /// in place rather than loaded into sets.
    public init(givenNameFiles: [String], surnameFiles: [String], ambiguousGivenNames: [String], notNameWords: [String])
    {
        self.init(
            given: NameList(files: givenNameFiles), surnames: NameList(files: surnameFiles),
            ambiguousGivenNames: ambiguousGivenNames, notNameWords: notNameWords)
    }

    private init(given: NameList, surnames: NameList, ambiguousGivenNames: [String], notNameWords: [String]) {
        givenNames = given
        self.surnames = surnames
        let ambiguous = Set(ambiguousGivenNames.map { Self.fold($0[...]) })
        let notNames = Set(notNameWords.map { Self.fold($0[...]) })
        self.ambiguousGivenNames = ambiguous
        self.notNameWords = notNames
        ambiguousGivenNameSet = FoldedSet(ambiguous)
        notNameWordSet = FoldedSet(notNames)
    }

    /// The lists built into the binary from `guidelines/gazetteers/`. The given names and surnames are tables
    /// folded and sorted by `scripts/embed-guidelines.py` (`EmbeddedNameTables`), searched in place: a start
    /// indexes none of their entries.
    public static let embedded: Gazetteers = {
        func text(_ name: String) -> String { EmbeddedGazetteers.files.first { $0.name == name }?.text ?? "" }
        var gazetteers = Gazetteers(
            givenNameFiles: [], surnameFiles: [],
            ambiguousGivenNames: entries(text("ambiguous-first-names.txt")),
            notNameWords: entries(text("not-name-words.txt")))
        gazetteers.givenNames = NameList(
            table: EmbeddedNameTables.givenNames, files: [EmbeddedNameTables.givenNamesRest])
        gazetteers.surnames = NameList(table: EmbeddedNameTables.surnames, files: [EmbeddedNameTables.surnamesRest])
        return gazetteers
    }()

    /// The entries of a gazetteer file: one per line, `#` starts a comment line, blank lines ignored.
    public static func entries(_ text: String) -> [String] {
        // An ASCII text (the built-in lists, read at every start) is cut by its bytes: Character-wise splitting
        // and Foundation's trimming cost most of a millisecond at their first use.
        var text = text
        if let lines = text.withUTF8({ asciiEntries(UnsafeRawBufferPointer($0)) }) { return lines }
        return text.split(whereSeparator: \.isNewline).compactMap { line in
            let entry = line.trimmingCharacters(in: .whitespaces)
            return entry.isEmpty || entry.hasPrefix("#") ? nil : entry
        }
    }

    /// ``entries(_:)`` of an all-ASCII text, read by bytes; nil for any other text. ASCII's line breaks are
    /// `\n`, `\r`, `\u{0B}` and `\u{0C}`, and its spaces a space and a tab, as `isNewline` and `.whitespaces` say.
    static func asciiEntries(_ bytes: UnsafeRawBufferPointer) -> [String]? {
        var entries: [String] = []
        var start = 0
        for index in 0...bytes.count {
            let byte: UInt8 = index < bytes.count ? bytes[index] : 0x0A
            guard byte < 0x80 else { return nil }
            guard byte >= 0x0A && byte <= 0x0D else { continue }
            var (first, end) = (start, index)
            while first < end && (bytes[first] == 0x20 || bytes[first] == 0x09) { first += 1 }
            while end > first && (bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09) { end -= 1 }
            if first < end && bytes[first] != 0x23 {
                entries.append(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[first..<end]), as: UTF8.self))
            }
            start = index + 1
        }
        return entries
    }

    /// Upper case without accents: the form every list is compared in. ASCII and Latin-1 letters are folded from a
    /// table (Foundation's folding costs microseconds a word, and the recogniser folds every token it reads); any
    /// other character sends the word through Foundation.
    static func fold(_ word: Substring) -> String {
        let utf8 = word.utf8
        if utf8.allSatisfy({ $0 < 0x80 }) { return word.uppercased() }
        var folded: [UInt8] = []
        folded.reserveCapacity(utf8.count + 2)
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            utf8.formIndex(after: &index)
            if byte < 0x80 {
                folded.append(byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte)
            } else if byte == 0xC3, index != utf8.endIndex, (0x80...0xBF).contains(utf8[index]) {
                folded += latin1Folds[Int(utf8[index] - 0x80)]
                utf8.formIndex(after: &index)
            } else {
                return foundationFold(word)
            }
        }
        return String(decoding: folded, as: UTF8.self)
    }

    /// What ``fold(_:)`` makes of U+00C0…U+00FF (UTF-8 `0xC3 0x80…0xBF`), by Foundation's rules.
    private static let latin1Folds: [[UInt8]] = (0xC0...0xFF).map { value in
        Array(foundationFold(Substring(String(Character(Unicode.Scalar(UInt8(value)))))).utf8)
    }

    /// Upper case without accents, by Foundation: the reference ``fold(_:)`` agrees with.
    static func foundationFold(_ word: Substring) -> String {
        word.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).uppercased()
    }
}
