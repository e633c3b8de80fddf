/// Places in technical text (READMEs, documentation, code, configuration) where capitalised words that the name lists
/// know are still nobody's name: code identifiers (`MyTarget`, `SwiftNIO`), type annotations and code arguments
/// (`createUser(name: String)`, `.product(name: "Metrics", package: …)`), declarations (`struct Child`), Markdown
/// headings (`### Memory Management`), a word after an article (`the Tracer`), English function words (`Any`, `In`)
/// and months (`September 2021`).
///
/// ``isNotAName(_:start:end:gazetteers:)`` judges a name already found, by the recogniser or in a name column or
/// field; it reads the name's words and at most a few hundred bytes before it, so it stays cheap per name.
enum NameContext {
    /// English words of closed classes (articles, determiners, prepositions, conjunctions, pronouns, question words)
    /// that the name lists hold but that never start a person's name ("Any symbol beginning", "In Swift 5.5", "Many
    /// Apple platform developers"). Those that are also real surnames and rarely start a sentence ("Such", "More",
    /// "Just", "Via") are left out: "for Such, Inga" is a name. Folded.
    static let functionWords: Set<String> = [
        "THE", "ANY", "MANY", "SOME", "EACH", "EVERY", "ALL", "IN", "ON", "AT", "OF", "FOR", "BY", "WITH", "FROM",
        "TO", "IF", "OUR", "YOUR", "THEIR", "ITS", "HIS", "HER", "THIS", "THAT", "THESE", "THOSE", "SO", "EVER",
        "BUT", "NOT", "AND", "OR", "ALSO", "THEN", "WHEN", "WHERE", "WHILE", "WHY", "HOW", "WHAT", "WHO", "WHICH",
        "HERE", "THERE", "ONLY", "EITHER", "NEITHER", "INTO", "ONTO", "ABOUT", "UNDER", "AFTER", "BEFORE", "USING",
    ]
    /// Words that are given names somewhere and everyday words in English text ("An Nguyen" but "An unstructured
    /// task", "June Carter" but "released in September 2021"): a name only when a known surname follows in it.
    /// Folded.
    static let everydayWords: Set<String> = [
        "AN", "MY", "CAN", "EVEN", "JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE", "JULY", "AUGUST",
        "SEPTEMBER", "OCTOBER", "NOVEMBER", "DECEMBER",
    ]
    /// Lower-case English words before a capitalised word that make it a thing, not a person ("the Tracer", "any
    /// Tracer", "our General Public Licenses"). Not "a": in Spanish, Italian and Portuguese it stands before people
    /// ("Llamé a Juan Pérez", "ho scritto a Maria Rossi").
    static let articles: Set<String> = ["an", "the", "any", "each", "every", "this", "these", "our", "your"]
    /// Code keywords after which a capitalised word is a type or a module (`struct Child: ParsableCommand`). Not
    /// those that are everyday words before people too ("in class Anna said", "the actor Tom Hanks").
    static let declarationKeywords: Set<String> = [
        "struct", "enum", "protocol", "extension", "typealias", "associatedtype", "func", "interface", "def",
        "extends", "implements", "import",
    ]
    /// The lists above, for look-ups by bytes.
    static let functionWordSet = FoldedSet(functionWords)
    static let everydayWordSet = FoldedSet(everydayWords)
    static let articleSet = WordSet(articles)
    static let declarationKeywordSet = WordSet(declarationKeywords)

    /// Whether the name found at `bytes[start..<end]` stands where it cannot be one (see ``NameContext``).
    static func isNotAName(_ bytes: UnsafeRawBufferPointer, start: Int, end: Int, gazetteers: Gazetteers) -> Bool {
        let words = Self.words(bytes, start, end)
        guard let first = words.first, let last = words.last else { return false }
        if words.contains(where: { isIdentifier(bytes, $0, gazetteers: gazetteers) }) { return true }
        let firstKey = FoldedKey(bytes, first.lowerBound, first.upperBound)
        if functionWordSet.contains(firstKey) { return true }
        if followedByNotNameWord(bytes, last.upperBound, gazetteers: gazetteers) { return true }
        if everydayWordSet.contains(firstKey)
            && !words.dropFirst().contains(where: {
                gazetteers.surnames.contains(FoldedKey(bytes, $0.lowerBound, $0.upperBound))
            })
            && !afterTitleOrGreeting(bytes, first.lowerBound)
        {
            return true
        }
        if let before = wordBefore(bytes, first.lowerBound),
            articleSet.contains(bytes, before) || declarationKeywordSet.contains(bytes, before)
        {
            return true
        }
        if followedByCode(bytes, last.upperBound) { return true }
        if onHeading(bytes, start) && !afterTitleOrGreeting(bytes, first.lowerBound) {
            // A heading is a title: only a known given name and a known surname make it a person's.
            let knownGiven =
                gazetteers.givenNames.contains(firstKey) && !gazetteers.ambiguousGivenNameSet.contains(firstKey)
                && !gazetteers.notNameWordSet.contains(firstKey)
            if !(words.count >= 2 && knownGiven
                && gazetteers.surnames.contains(FoldedKey(bytes, last.lowerBound, last.upperBound)))
            {
                return true
            }
        }
        if let argument = codeArgument(bytes, start) {
            // One unquoted word after a colon is a type or a variable (`name: String`); a longer value or one after
            // `=` is a value (`User(name=Anna Smith, age=30)`, Kotlin's record). After a bare "name" a product,
            // target or header has a value too, so it must start with a given name the lists know
            // (`createUser(name: "Alice")`, not `.executableTarget(name: "Server")`).
            if !argument.quoted && !argument.equals && words.count == 1 { return true }
            if PersonNameRecognizer.bareNameLabels.contains(argument.label)
                && !(gazetteers.givenNames.contains(firstKey) && !gazetteers.ambiguousGivenNameSet.contains(firstKey))
            {
                return true
            }
        }
        return false
    }

    /// The capitalised words of a name, without particles and trailing punctuation (`.`, `'s`).
    static func words(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> [Range<Int>] {
        var words: [Range<Int>] = []
        var i = start
        while i < end {
            while i < end && !PersonNameRecognizer.isTokenByte(bytes[i]) { i += 1 }
            let wordStart = i
            while i < end && PersonNameRecognizer.isTokenByte(bytes[i]) { i += 1 }
            guard i > wordStart else { continue }
            let (coreEnd, _) = PersonNameRecognizer.core(bytes, wordStart, i)
            let b = bytes[wordStart]
            if coreEnd > wordStart && ((b >= 0x41 && b <= 0x5A) || b >= 0x80) { words.append(wordStart..<coreEnd) }
        }
        return words
    }

    /// A code identifier written in camel case: a capital right after a lower-case letter (`MyTarget`,
    /// `ServiceLifecycle`, `SwiftNIO`, `NaN`). Names written so (`McDonald`, `DeShawn`, `LaToya`, `DiCaprio`) are
    /// names when the lists know the whole word and each inner capital starts a lower-case part.
    static func isIdentifier(_ bytes: UnsafeRawBufferPointer, _ word: Range<Int>, gazetteers: Gazetteers) -> Bool {
        var inner = false
        var k = word.lowerBound + 1
        while k < word.upperBound {
            let b = bytes[k]
            if b >= 0x41 && b <= 0x5A, bytes[k - 1] >= 0x61 && bytes[k - 1] <= 0x7A {
                let next = k + 1 < word.upperBound ? bytes[k + 1] : 0
                // An inner capital not followed by a lower-case letter is an acronym or a code word.
                guard next >= 0x61 && next <= 0x7A else { return true }
                inner = true
            }
            k += 1
        }
        guard inner else { return false }
        let folded = FoldedKey(bytes, word.lowerBound, word.upperBound)
        return !gazetteers.givenNames.contains(folded) && !gazetteers.surnames.contains(folded)
    }

    /// Whether a title or a greeting stands right before `index`, one space between ("Ms. June", "Dear April").
    static func afterTitleOrGreeting(_ bytes: UnsafeRawBufferPointer, _ index: Int) -> Bool {
        guard index >= 2, bytes[index - 1] == 0x20 else { return false }
        var end = index - 1
        if bytes[end - 1] == 0x2E { end -= 1 }
        var i = end
        while i > 0 && end - i < 16 && PersonNameRecognizer.isTokenByte(bytes[i - 1]) && bytes[i - 1] != 0x2E { i -= 1 }
        guard i < end else { return false }
        let word = FoldedKey(bytes, i, end)
        return PersonNameRecognizer.titleSet.contains(word) || PersonNameRecognizer.greetingSet.contains(word)
    }

    /// The lower-case word right before `index`, one space between (nil when there is none): its bytes' range.
    static func wordBefore(_ bytes: UnsafeRawBufferPointer, _ index: Int) -> Range<Int>? {
        guard index >= 2, bytes[index - 1] == 0x20 else { return nil }
        var i = index - 1
        while i > 0 && index - 1 - i < 16 && bytes[i - 1] >= 0x61 && bytes[i - 1] <= 0x7A { i -= 1 }
        guard i < index - 1, i == 0 || !PersonNameRecognizer.isTokenByte(bytes[i - 1]) else { return nil }
        return i..<(index - 1)
    }

    /// A word that never continues a name right after the name, one space between ("GNU General Public License",
    /// "Anna Smith Foundation"): the capitalised words name a document or an organisation. (Not across a line
    /// break: the next line may start with a label, `Address: …`.)
    static func followedByNotNameWord(_ bytes: UnsafeRawBufferPointer, _ index: Int, gazetteers: Gazetteers) -> Bool {
        var i = index
        guard i + 1 < bytes.count, bytes[i] == 0x20 else { return false }
        i += 1
        let wordStart = i
        while i < bytes.count && i - wordStart < 32 && PersonNameRecognizer.isTokenByte(bytes[i]) { i += 1 }
        let (coreEnd, _) = PersonNameRecognizer.core(bytes, wordStart, i)
        guard coreEnd > wordStart, bytes[wordStart] >= 0x41 && bytes[wordStart] <= 0x5A else { return false }
        return gazetteers.notNameWordSet.contains(FoldedKey(bytes, wordStart, coreEnd))
    }

    /// Code right after a word: a call or generic (`URL(`, `Box<`) or a member (`Logger.info`).
    static func followedByCode(_ bytes: UnsafeRawBufferPointer, _ index: Int) -> Bool {
        guard index < bytes.count else { return false }
        let b = bytes[index]
        if b == 0x28 { return true }
        // A generic's parameter starts with a capital (`Box<Int>`); an e-mail address does not (`Anna<anna@…>`).
        if b == 0x3C { return index + 1 < bytes.count && bytes[index + 1] >= 0x41 && bytes[index + 1] <= 0x5A }
        guard b == 0x2E, index + 1 < bytes.count else { return false }
        let next = bytes[index + 1]
        return next >= 0x61 && next <= 0x7A
    }

    /// Whether `index` lies on a Markdown heading line (`#` to `######`, a space, the title); lines longer than 256
    /// bytes are not read as headings.
    static func onHeading(_ bytes: UnsafeRawBufferPointer, _ index: Int) -> Bool {
        var lineStart = index
        while lineStart > 0 && bytes[lineStart - 1] != 0x0A {
            lineStart -= 1
            if index - lineStart > 256 { return false }
        }
        var i = lineStart
        while i < index && i - lineStart < 3 && bytes[i] == 0x20 { i += 1 }
        var hashes = 0
        while i < index && bytes[i] == 0x23 {
            hashes += 1
            i += 1
        }
        return hashes >= 1 && hashes <= 6 && i < index && bytes[i] == 0x20
    }

    /// A value given to a labelled argument of a call or declaration in code (`createUser(name: String)`,
    /// `.product(name: "Metrics", package: …)`, `Package(⏎ name: "MyApp",`, `setup(name="tool")`): its folded
    /// label (no `_`), whether the value is quoted and whether `=` gives it. The argument list must open right after an identifier or a
    /// generic clause (`withSpan<T>(`), within 512 bytes before the label, with every bracket opened after it closed
    /// again. A Swift argument label may stand before the parameter's name (`_ operationName: String`).
    static func codeArgument(
        _ bytes: UnsafeRawBufferPointer, _ start: Int
    ) -> (label: String, quoted: Bool, equals: Bool)? {
        var i = start
        let quoted = i > 0 && (bytes[i - 1] == 0x22 || bytes[i - 1] == 0x27)
        if quoted { i -= 1 }
        while i > 0 && bytes[i - 1] == 0x20 { i -= 1 }
        guard i > 0, bytes[i - 1] == 0x3A || bytes[i - 1] == 0x3D else { return nil }
        let equals = bytes[i - 1] == 0x3D
        i -= 1
        let labelEnd = i
        while i > 0 && labelEnd - i < 32 && isIdentifierByte(bytes[i - 1]) { i -= 1 }
        guard i < labelEnd else { return nil }
        let label = Gazetteers.fold(
            Substring(String(decoding: bytes[i..<labelEnd].filter { $0 != 0x5F }, as: UTF8.self)))
        func skipSpace() {
            while i > 0
                && (bytes[i - 1] == 0x20 || bytes[i - 1] == 0x0A || bytes[i - 1] == 0x0D || bytes[i - 1] == 0x09)
            {
                i -= 1
            }
        }
        let labelStart = i
        skipSpace()
        // Swift's argument label before the parameter's name (`_ operationName: String`, `for key: Key`).
        if i < labelStart && i > 0 && isIdentifierByte(bytes[i - 1]) {
            let wordEnd = i
            while i > 0 && wordEnd - i < 32 && isIdentifierByte(bytes[i - 1]) { i -= 1 }
            skipSpace()
        }
        guard i > 0, bytes[i - 1] == 0x28 || bytes[i - 1] == 0x2C else { return nil }
        // Back to the bracket that opens the argument list.
        var depth = 0
        var k = i
        while k > 0 && i - k < 512 {
            k -= 1
            switch bytes[k] {
            case 0x29, 0x5D, 0x7D: depth += 1
            case 0x28, 0x5B, 0x7B:
                if depth == 0 {
                    guard bytes[k] == 0x28, k > 0, isIdentifierByte(bytes[k - 1]) || bytes[k - 1] == 0x3E else {
                        return nil
                    }
                    return (label, quoted, equals)
                }
                depth -= 1
            case 0x0A where k > 0 && bytes[k - 1] == 0x0A: return nil
            default: continue
            }
        }
        return nil
    }

    private static func isIdentifierByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x5F
    }
}
