/// Phrases that make capitalised words a place rather than people: "the corner of Washington and Main",
/// "the intersection of Elm and Oak", "Main and Elm streets", "esquina de Alcalá y Serrano", "Ecke Berliner und
/// Kastanienallee". A person-name finding inside one is dropped.
enum PlacePhrases {
    /// A word and the word before it that together introduce a place: "corner of", "esquina de", "hoek van".
    static let introducers: [String: Set<String>] = [
        "of": ["corner", "corners", "intersection", "junction", "crossing", "crossroads", "meeting"],
        "de": ["esquina", "coin", "angle", "cruce", "intersection", "carrefour", "croisement"],
        "van": ["hoek", "kruising", "kruispunt"],
        "von": ["ecke", "kreuzung"],
    ]
    /// Words that introduce a place alone: German "Ecke Berliner und …".
    static let singleIntroducers: Set<String> = ["ecke"]
    static let connectors: Set<String> = ["and", "&", "y", "et", "en", "und", "e"]
    /// Words after "A and B" that make both streets: "Main and Elm streets".
    static let streetWords: Set<String> = [
        "streets", "street", "avenues", "avenue", "roads", "road", "st", "ave", "aves", "sts", "rd", "rds",
        "boulevards", "blvd", "lanes", "drives", "straat", "straße", "strasse", "calles", "rues",
    ]

    /// A word of the text: its bytes' range and whether it starts with a capital letter.
    private struct Word {
        var range: Range<Int>
        var capitalised: Bool
        var folded: String
    }

    /// Whether the name at `start..<end` is part of a place phrase. `precheck` false skips
    /// ``mayBePlace(_:start:end:)``, for the test that it never refuses a place.
    static func isPlace(_ bytes: UnsafeRawBufferPointer, start: Int, end: Int, precheck: Bool = true) -> Bool {
        guard !precheck || mayBePlace(bytes, start: start, end: end) else { return false }
        let before = words(bytes, from: start, forward: false)
        if introduces(before, at: 0) { return true }
        // "corner of Washington and [Main]": capitalised words and a connector between the phrase and the name.
        let afterConnector = before.first.map { connectors.contains($0.folded) } ?? false
        if afterConnector {
            var k = 1
            while k < before.count && before[k].capitalised {
                if k > 1 && introduces(before, at: k) { return true }  // "Ecke Friedrich und [Wilhelm]"
                k += 1
            }
            if k > 1 && introduces(before, at: k) { return true }
        }
        // "Main and [Elm] streets": the word after the second name is a plural street word.
        let after = words(bytes, from: end, forward: true)
        if afterConnector, let first = after.first, streetWords.contains(first.folded), first.folded.hasSuffix("s") {
            return true
        }
        // "[Main] and Elm streets": a connector, capitalised words, a plural street word.
        if let first = after.first, connectors.contains(first.folded) {
            var k = 1
            while k < after.count && after[k].capitalised && !streetWords.contains(after[k].folded) { k += 1 }
            if k > 1, k < after.count, streetWords.contains(after[k].folded), after[k].folded.hasSuffix("s") {
                return true
            }
        }
        return false
    }

    /// A test every place phrase passes, made on the one word on either side of the name without making a
    /// string: every phrase above needs the word before it to introduce a place or be a connector, or the word
    /// after it to be a connector. A word with bytes ≥ 0x80 (lower-cased as a string) is not ruled out.
    static func mayBePlace(_ bytes: UnsafeRawBufferPointer, start: Int, end: Int) -> Bool {
        func isWordByte(_ b: UInt8) -> Bool {
            (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b >= 0x80 || b == 0x26 || b == 0x27 || b == 0x2E
        }
        /// Whether `bytes[range]`, without trailing `.` and `'` and in lower case, may be in `set`.
        func mayBe(_ range: Range<Int>, in set: WordSet) -> Bool {
            for k in range where bytes[k] >= 0x80 { return true }
            var end = range.upperBound
            while end > range.lowerBound && (bytes[end - 1] == 0x2E || bytes[end - 1] == 0x27) { end -= 1 }
            guard end - range.lowerBound <= 8 else { return false }
            var word: UInt64 = 0
            return withUnsafeMutableBytes(of: &word) { buffer in
                for k in range.lowerBound..<end {
                    let b = bytes[k]
                    buffer[k - range.lowerBound] = b >= 0x41 && b <= 0x5A ? b + 0x20 : b
                }
                return set.contains(UnsafeRawBufferPointer(rebasing: buffer[0..<(end - range.lowerBound)]))
            }
        }
        var i = start
        while i > 0 && (bytes[i - 1] == 0x20 || bytes[i - 1] == 0x2C) { i -= 1 }
        let beforeEnd = i
        while i > 0 && isWordByte(bytes[i - 1]) { i -= 1 }
        if i < beforeEnd && mayBe(i..<beforeEnd, in: wordsBefore) { return true }
        i = end
        while i < bytes.count && (bytes[i] == 0x20 || bytes[i] == 0x2C) { i += 1 }
        let afterStart = i
        while i < bytes.count && isWordByte(bytes[i]) { i += 1 }
        return afterStart < i && mayBe(afterStart..<i, in: connectorSet)
    }

    /// Words that may stand right before a name in a place phrase: an introducer's last word, or a connector.
    private static let wordsBefore = WordSet(
        Set(introducers.keys).union(singleIntroducers).union(connectors))
    private static let connectorSet = WordSet(connectors)

    private static func introduces(_ words: [Word], at i: Int) -> Bool {
        guard i < words.count else { return false }
        if singleIntroducers.contains(words[i].folded) { return true }
        guard i + 1 < words.count, let heads = introducers[words[i].folded] else { return false }
        return heads.contains(words[i + 1].folded)
    }

    /// Up to six words before `offset` (nearest first) or after it, on the same line; `&` counts as a word.
    private static func words(_ bytes: UnsafeRawBufferPointer, from offset: Int, forward: Bool) -> [Word] {
        var words: [Word] = []
        var i = offset
        func isWordByte(_ b: UInt8) -> Bool {
            (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b >= 0x80 || b == 0x26 || b == 0x27 || b == 0x2E
        }
        while words.count < 6 {
            if forward {
                while i < bytes.count && (bytes[i] == 0x20 || bytes[i] == 0x2C) { i += 1 }
                let start = i
                while i < bytes.count && isWordByte(bytes[i]) { i += 1 }
                guard i > start else { break }
                words.append(word(bytes, start..<i))
            } else {
                while i > 0 && (bytes[i - 1] == 0x20 || bytes[i - 1] == 0x2C) { i -= 1 }
                let end = i
                while i > 0 && isWordByte(bytes[i - 1]) { i -= 1 }
                guard i < end else { break }
                words.append(word(bytes, i..<end))
            }
        }
        return words
    }

    private static func word(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Word {
        var end = range.upperBound
        while end > range.lowerBound && (bytes[end - 1] == 0x2E || bytes[end - 1] == 0x27) { end -= 1 }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range.lowerBound..<end]), as: UTF8.self)
        let first = bytes[range.lowerBound]
        return Word(
            range: range, capitalised: (first >= 0x41 && first <= 0x5A) || first == 0xC3,
            folded: text.lowercased())
    }
}
