import Foundation

/// Word lists the person-name recogniser uses where no check digit exists: given names, surnames, given names that
/// are also everyday words, and capitalised words that never continue a name. Entries are compared without case
/// and accents (`José` matches `JOSE`).
///
/// The defaults (``embedded``) are `guidelines/gazetteers/*.txt`, built into the binary; each file names its source.
public struct Gazetteers: Sendable {
    public var givenNames: Set<String>
    public var surnames: Set<String>
    /// Given names that start a name only before a known surname or after a title ("May", "Will", "Jordan").
    public var ambiguousGivenNames: Set<String>
    /// Capitalised words that end a name ("Street", "Department").
    public var notNameWords: Set<String>

    public init(givenNames: [String], surnames: [String], ambiguousGivenNames: [String], notNameWords: [String]) {
        self.givenNames = Set(givenNames.map { Self.fold($0[...]) })
        self.surnames = Set(surnames.map { Self.fold($0[...]) })
        self.ambiguousGivenNames = Set(ambiguousGivenNames.map { Self.fold($0[...]) })
        self.notNameWords = Set(notNameWords.map { Self.fold($0[...]) })
    }

    /// The lists built into the binary from `guidelines/gazetteers/`.
    public static let embedded: Gazetteers = {
        func file(_ name: String) -> [String] { entries(EmbeddedGazetteers.files.first { $0.name == name }?.text ?? "") }
        return Gazetteers(
            givenNames: file("first-names.txt") + file("first-names-europe.txt"),
            surnames: file("surnames.txt"),
            ambiguousGivenNames: file("ambiguous-first-names.txt"),
            notNameWords: file("not-name-words.txt"))
    }()

    /// The entries of a gazetteer file: one per line, `#` starts a comment line, blank lines ignored.
    public static func entries(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).compactMap { line in
            let entry = line.trimmingCharacters(in: .whitespaces)
            return entry.isEmpty || entry.hasPrefix("#") ? nil : entry
        }
    }

    /// Upper case without accents: the form every list is compared in.
    static func fold(_ word: Substring) -> String {
        if word.utf8.allSatisfy({ $0 < 0x80 }) { return word.uppercased() }
        return word.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).uppercased()
    }
}
