/// Finds person names inside a run of capitalised words that the pattern database reported. Names have no check
/// digit, so the recogniser combines shape (capitalised words, initials, particles such as `van der`), the
/// gazetteers (a known given name starts a name; a known surname raises confidence), titles (`Mr.`, `Mme`,
/// `dhr.`, `Sra.`) and greetings (`Dear`, `Beste`, `Hola`).
///
/// It runs only on the candidate's bytes plus one byte before it, so it stays linear in the text.
struct PersonNameRecognizer: Sendable {
    let gazetteers: Gazetteers

    /// A name found, in byte offsets of the scanned text.
    struct Span: Equatable {
        var start: Int
        var end: Int
        var confidence: Double
        var reason: String
    }

    static let titles: Set<String> = [
        "MR", "MRS", "MS", "MISS", "MX", "DR", "PROF", "MME", "MLLE", "HERR", "FRAU", "SR", "SRA", "SRTA", "DHR",
        "MEVR", "MEVROUW", "SIR", "DAME", "MONSIEUR", "MADAME", "MADEMOISELLE", "SENOR", "SENORA", "SENORITA", "DON",
        "DONA", "DOKTER", "DOCTOR", "DOCTEUR",
    ]
    static let greetings: Set<String> = [
        "DEAR", "HI", "HELLO", "HEY", "BESTE", "GEACHTE", "HALLO", "LIEBE", "LIEBER", "BONJOUR", "CHER", "CHERE",
        "HOLA", "ESTIMADO", "ESTIMADA", "QUERIDO", "QUERIDA", "THANKS", "MERCI", "GRACIAS", "DANKE", "BEDANKT",
    ]
    static let particles: Set<String> = [
        "van", "von", "de", "der", "den", "del", "della", "di", "da", "du", "dos", "das", "la", "le", "ten", "ter",
        "zu", "y", "bin", "al", "het", "'t",
    ]

    private struct Token {
        var start: Int
        /// End of the word without trailing `.`, `'s` or `’s`.
        var coreEnd: Int
        var text: Substring
        /// The token ended in a full stop that is not an initial's: a name cannot continue past it.
        var endsSentence: Bool
        var isInitial: Bool
        var isWord: Bool
        var isParticle: Bool
    }

    func names(in bytes: UnsafeRawBufferPointer, start: Int, end: Int) -> [Span] {
        var tokens = Self.tokens(bytes, start: start, end: end)
        // A run that starts inside a word ("iPhone Pro") does not start with a name.
        if start > 0, Self.isLetterByte(bytes[start - 1]), !tokens.isEmpty { tokens.removeFirst() }
        var found: [Span] = []
        var i = 0
        while i < tokens.count {
            let token = tokens[i]
            let key = Gazetteers.fold(token.text)
            if (Self.titles.contains(key) && !token.isParticle) || (token.isInitial && key == "M") {
                if let (last, _) = extend(tokens, from: i + 1), tokens[i + 1].isWord || tokens[i + 1].isParticle {
                    found.append(Span(start: tokens[i + 1].start, end: tokens[last].coreEnd, confidence: 0.85,
                        reason: "follows the title '\(token.text)'"))
                    i = last + 1
                    continue
                }
            }
            if token.isWord, Self.greetings.contains(key), i + 1 < tokens.count, tokens[i + 1].isWord {
                let next = Gazetteers.fold(tokens[i + 1].text)
                if gazetteers.givenNames.contains(next) && !gazetteers.ambiguousGivenNames.contains(next) {
                    let last = extend(tokens, from: i + 2)?.last ?? i + 1
                    found.append(Span(start: tokens[i + 1].start, end: tokens[last].coreEnd, confidence: 0.8,
                        reason: "a known given name after the greeting '\(token.text)'"))
                    i = last + 1
                    continue
                }
            }
            if token.isWord, !token.endsSentence, gazetteers.givenNames.contains(key),
                let (last, knownSurname) = extend(tokens, from: i + 1),
                knownSurname || !gazetteers.ambiguousGivenNames.contains(key)
            {
                found.append(Span(start: token.start, end: tokens[last].coreEnd, confidence: knownSurname ? 0.9 : 0.75,
                    reason: knownSurname ? "a known given name and surname" : "a known given name before a capitalised word"))
                i = last + 1
                continue
            }
            i += 1
        }
        return found
    }

    /// Extends a name over up to four more parts (words or initials, with particles between them), stopping at a
    /// word that never continues a name. Returns the last part's index and whether a known surname was seen.
    private func extend(_ tokens: [Token], from first: Int) -> (last: Int, knownSurname: Bool)? {
        var last: Int?
        var knownSurname = false
        var parts = 0
        var j = first
        while j < tokens.count, parts < 4 {
            let token = tokens[j]
            if token.isParticle { j += 1; continue }
            guard token.isWord || token.isInitial else { break }
            let key = Gazetteers.fold(token.text)
            if gazetteers.notNameWords.contains(key) { break }
            if token.isWord && gazetteers.surnames.contains(key) { knownSurname = true }
            last = j
            parts += 1
            if token.endsSentence { break }
            j += 1
        }
        guard let last, tokens[last].isWord || last > first else { return nil }
        return (last, knownSurname)
    }

    private static func tokens(_ bytes: UnsafeRawBufferPointer, start: Int, end: Int) -> [Token] {
        var tokens: [Token] = []
        var i = start
        while i < end {
            while i < end && bytes[i] == 0x20 { i += 1 }
            let tokenStart = i
            while i < end && bytes[i] != 0x20 { i += 1 }
            guard i > tokenStart else { break }
            var coreEnd = i
            var endsWithDot = false
            if bytes[coreEnd - 1] == 0x2E { coreEnd -= 1; endsWithDot = true }
            if coreEnd - tokenStart > 2, bytes[coreEnd - 1] == 0x73 /* s */ {
                if bytes[coreEnd - 2] == 0x27 { coreEnd -= 2 }
                else if coreEnd - tokenStart > 4, bytes[coreEnd - 2] == 0x99, bytes[coreEnd - 3] == 0x80,
                    bytes[coreEnd - 4] == 0xE2 { coreEnd -= 4 }
            }
            let text = Substring(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[tokenStart..<coreEnd]), as: UTF8.self))
            let first = text.first
            let isUpperStart = first?.isUppercase ?? false
            let isInitial = endsWithDot && text.count == 1 && isUpperStart
            let isWord = isUpperStart && text.count >= 2 && text.dropFirst().contains { $0.isLowercase }
            tokens.append(Token(
                start: tokenStart, coreEnd: coreEnd, text: text, endsSentence: endsWithDot && !isInitial,
                isInitial: isInitial, isWord: isWord, isParticle: particles.contains(String(text))))
        }
        return tokens
    }

    static func isLetterByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b >= 0x80
    }
}
