/// Where the person-name recogniser must look, found in one pass over the text without the pattern database.
///
/// Every name the recogniser accepts has a capitalised word (or an initial) in it, and starts at or next to a
/// *trigger*: a capitalised word that is a known given name, a title, a greeting or a role word, or the initial
/// `M.`; a capitalised word before a Dutch or German surname particle (`Casper van …`); or a capitalised word after
/// a title written in lower case with only particles between (`dhr. van der Berg`). So the scan visits capitalised
/// words only: it skips every other byte with one table lookup, reads the capitalised word's token (the recogniser's
/// tokens: letters, any byte ≥ 0x80, `'`, `-`, `.`), and looks it up by a hash of its folded bytes (upper case,
/// Latin-1 accents dropped, as ``Gazetteers`` compares them) without making a string. For each trigger it reports a
/// window from the token before it (or the lower-case title) to ten tokens after it, within its run of words joined
/// by single spaces. Windows that touch are merged, so each region is read once.
///
/// The scan is a filter, never a judge: a hash that matches by accident only costs a window the recogniser rejects,
/// and a capitalised word with letters the fast fold cannot read (beyond Latin-1) is always a trigger.
struct NameTriggers: Sendable {
    /// Hashes of the folded capitalised triggers, and a bit per hash's low bits in front of them. When the given
    /// names come as a ``NameTable`` with its hash bits (the built-in lists), the set holds only the other
    /// triggers and the given names are looked up in the table: nothing is hashed per entry at start.
    private let upper: HashSet64
    private let upperBits: [UInt64]
    private let givenNames: NameTable?
    /// Hashes of titles written in lower case, of all particles, and of the surname particles.
    private let lowerTitles: HashSet64
    private let particles: HashSet64
    private let surnameParticles: HashSet64
    /// A bit per low bits of all three, so most lower-case words are passed over without a set look-up.
    private let lowerBits: [UInt64]
    /// Tokens after a trigger that its window covers: a name runs over at most four more parts and three particles.
    static let reach = 10
    private static let bitsMask: UInt64 = (1 << 18) - 1
    private static let lowerBitsMask: UInt64 = (1 << 12) - 1

    init(gazetteers: Gazetteers) {
        let words = PersonNameRecognizer.titles.union(PersonNameRecognizer.greetings).union(PersonNameRecognizer.roles)
            .union(["M"])
        func hashes(_ words: Set<String>) -> Set<UInt64> { Set(words.compactMap { Self.hash(Array($0.utf8)) }) }
        var upper = hashes(words)
        let wordCount = Int(Self.bitsMask + 1) / 64
        let table = gazetteers.givenNames.table.flatMap { $0.hashBits?.count == wordCount ? $0 : nil }
        // Other given names are hashed from the list's bytes, without a string each.
        gazetteers.givenNames.forEachEntry(includingTable: table == nil) { bytes, start, end in
            if let hash = Self.hash(bytes, start, end) { upper.insert(hash) }
        }
        self.upper = HashSet64(upper)
        givenNames = table
        var bits = table?.hashBits ?? [UInt64](repeating: 0, count: wordCount)
        for hash in upper { bits[Int((hash & Self.bitsMask) >> 6)] |= 1 << (hash & 63) }
        upperBits = bits
        let lowerTitles = hashes(PersonNameRecognizer.titles)
        let particles = hashes(PersonNameRecognizer.particles)
        let surnameParticles = hashes(PersonNameRecognizer.surnameParticles)
        self.lowerTitles = HashSet64(lowerTitles)
        self.particles = HashSet64(particles)
        self.surnameParticles = HashSet64(surnameParticles)
        var lower = [UInt64](repeating: 0, count: Int(Self.lowerBitsMask + 1) / 64)
        for hash in lowerTitles.union(particles).union(surnameParticles) {
            lower[Int((hash & Self.lowerBitsMask) >> 6)] |= 1 << (hash & 63)
        }
        lowerBits = lower
    }

    /// The regions of `bytes` where a name may be, in order and disjoint. `plain` looks for capitals byte by byte
    /// instead of sixteen bytes at a time, for the test that both find the same windows.
    func windows(in bytes: UnsafeRawBufferPointer, plain: Bool = false) -> [Range<Int>] {
        Self.classes.withUnsafeBufferPointer { windows(in: bytes, classes: $0, plain: plain) }
    }

    private func windows(
        in bytes: UnsafeRawBufferPointer, classes: UnsafeBufferPointer<UInt8>, plain: Bool
    ) -> [Range<Int>] {
        var windows: [Range<Int>] = []
        let count = bytes.count
        @inline(__always) func isToken(_ index: Int) -> Bool { classes[Int(bytes[index])] & Self.token != 0 }
        /// The end of the token starting at `index`.
        @inline(__always) func tokenEnd(_ index: Int) -> Int {
            var end = index + 1
            while end < count && isToken(end) { end += 1 }
            return end
        }
        /// The token before the one at `start`, if a single space joins them.
        func tokenBefore(_ start: Int) -> Range<Int>? {
            guard start >= 2, bytes[start - 1] == 0x20, isToken(start - 2) else { return nil }
            var first = start - 2
            while first > 0 && isToken(first - 1) { first -= 1 }
            return first..<(start - 1)
        }
        /// The folded hash of a lower-case token's word, if it is one and may be a title or particle.
        func lowerHash(_ token: Range<Int>) -> UInt64? {
            let first = bytes[token.lowerBound]
            guard first >= 0x61 && first <= 0x7A, token.count <= 13,
                let hash = Self.hash(
                    bytes, token.lowerBound, PersonNameRecognizer.core(bytes, token.lowerBound, token.upperBound).end),
                lowerBits[Int((hash & Self.lowerBitsMask) >> 6)] & (1 << (hash & 63)) != 0
            else { return nil }
            return hash
        }
        /// Spaces and quotes around a cell separator: at most three are skipped.
        func isPadding(_ b: UInt8) -> Bool { b == 0x20 || b == 0x22 || b == 0x27 }
        func isSeparator(_ b: UInt8) -> Bool { b == 0x2C || b == 0x3B || b == 0x7C || b == 0x09 }
        /// Where the one-token cell before `index` starts, if a cell separator comes first; else `index`.
        func neighbourCell(before index: Int) -> Int {
            var i = index
            var skipped = 0
            while i > 0 && skipped < 3 && isPadding(bytes[i - 1]) {
                i -= 1
                skipped += 1
            }
            guard i > 0, isSeparator(bytes[i - 1]) else { return index }
            i -= 1
            skipped = 0
            while i > 0 && skipped < 3 && isPadding(bytes[i - 1]) {
                i -= 1
                skipped += 1
            }
            var first = i
            while first > 0 && isToken(first - 1) && i - first < 40 { first -= 1 }
            return first < i && (first == 0 || !isToken(first - 1)) ? first : index
        }
        /// Where the one-token cell after `index` ends, if a cell separator comes first; else `index`.
        func neighbourCell(after index: Int) -> Int {
            var i = index
            var skipped = 0
            while i < count && skipped < 3 && isPadding(bytes[i]) {
                i += 1
                skipped += 1
            }
            guard i < count, isSeparator(bytes[i]) else { return index }
            i += 1
            skipped = 0
            while i < count && skipped < 3 && isPadding(bytes[i]) {
                i += 1
                skipped += 1
            }
            var last = i
            while last < count && isToken(last) && last - i < 40 { last += 1 }
            return last > i && (last == count || !isToken(last)) ? last : index
        }
        var i = 0
        while i < count {
            // Only capital letters and 0xC3 (the lead byte of À…ß) can start a capitalised word: sixteen bytes at a
            // time are skipped when none is either, else the scan moves to the first.
            // Those right after a token byte other than a quote (inside a word: "PromptGate") are passed over too.
            if !plain, i + 16 <= count, let base = bytes.baseAddress {
                var capitals = ByteMask.capitals(ByteMask.load(base + i))
                if (capitals[0] | capitals[1]) != 0 && i > 0 {
                    capitals &= ~ByteMask.tokenBytesButQuote(ByteMask.load(base + i - 1))
                }
                let first = ByteMask.first(capitals)
                guard first < 16 else {
                    i += 16
                    continue
                }
                i += first
            }
            guard classes[Int(bytes[i])] & Self.capital != 0 else {
                i += 1
                continue
            }
            let start = i
            // A quote right before the capital is not part of the word when nothing of a word precedes it ('Cook').
            let quoted = start > 0 && bytes[start - 1] == 0x27 && (start == 1 || !isToken(start - 2))
            if (start > 0 && isToken(start - 1) && !quoted)
                || (bytes[start] == 0xC3
                    && !(start + 1 < count && bytes[start + 1] >= 0x80 && bytes[start + 1] <= 0x9E))
            {
                i += 1
                continue
            }
            // A capital followed by another ("AI", "HTTP") is neither a word nor an initial: the rest of its token
            // holds no word start either.
            if !plain, start + 1 < count, bytes[start + 1] &- 0x41 < 26 {
                i = start + 2
                continue
            }
            let end = tokenEnd(start)
            i = end
            guard let shape = PersonNameRecognizer.shape(bytes, start, end), shape.isWord || shape.isInitial else {
                continue
            }
            var from = start
            var trigger = false
            // A known word: a given name, title, greeting or role (or one the fast fold cannot read).
            if let hash = Self.hash(bytes, start, shape.coreEnd) {
                trigger =
                    upperBits[Int((hash & Self.bitsMask) >> 6)] & (1 << (hash & 63)) != 0
                    && (upper.contains(hash)
                        || (givenNames.map { Self.table($0, holds: bytes, start, shape.coreEnd) } ?? false))
            } else {
                trigger = true
            }
            // Before a surname particle: "Casper van Clootwijck".
            if !trigger, end + 3 < count, bytes[end] == 0x20, bytes[end + 1] >= 0x74, bytes[end + 1] <= 0x7A {
                let particleEnd = tokenEnd(end + 1)
                if let hash = lowerHash((end + 1)..<particleEnd) { trigger = surnameParticles.contains(hash) }
            }
            // After a title in lower case, perhaps with particles between: "dhr. van der Berg".
            var previous = tokenBefore(start)
            if let before = previous {
                var token = before
                for _ in 0..<4 {
                    guard let hash = lowerHash(token) else { break }
                    if lowerTitles.contains(hash) {
                        trigger = true
                        from = token.lowerBound
                        break
                    }
                    guard particles.contains(hash), let earlier = tokenBefore(token.lowerBound) else { break }
                    token = earlier
                }
            }
            // The value of a field labelled as a name: "Last name: Dulewicz", "nachname=Oderwald".
            if !trigger && start > 0 && Self.mayFollowLabel(bytes, start)
                && PersonNameRecognizer.followsNameLabel(bytes, start)
            {
                trigger = true
            }
            guard trigger else { continue }
            from = min(from, previous?.lowerBound ?? start)
            previous = nil
            // Up to `reach` more tokens of the run.
            var windowEnd = end
            for _ in 0..<Self.reach {
                guard windowEnd + 1 < count, bytes[windowEnd] == 0x20, isToken(windowEnd + 1) else { break }
                windowEnd = tokenEnd(windowEnd + 1)
            }
            // A one-word cell before or after (a surname next to a given name in a table row).
            from = neighbourCell(before: from)
            windowEnd = neighbourCell(after: windowEnd)
            while let last = windows.last, from <= last.upperBound {
                windows.removeLast()
                from = min(from, last.lowerBound)
                windowEnd = max(windowEnd, last.upperBound)
            }
            windows.append(from..<windowEnd)
        }
        return windows
    }

    /// Whether a label's `:` or `=` stands before `index`, at most three spaces, tabs or quotes between: the first
    /// test of ``PersonNameRecognizer/followsNameLabel(_:_:)``, made here without a call.
    @inline(__always)
    static func mayFollowLabel(_ bytes: UnsafeRawBufferPointer, _ index: Int) -> Bool {
        var i = index
        var skipped = 0
        while i > 0 && skipped < 3 && (bytes[i - 1] == 0x20 || bytes[i - 1] == 0x09 || bytes[i - 1] == 0x22) {
            i -= 1
            skipped += 1
        }
        return i > 0 && (bytes[i - 1] == 0x3A || bytes[i - 1] == 0x3D)
    }

    private static let token: UInt8 = 1
    private static let capital: UInt8 = 2
    /// Per byte value: whether it belongs to a token (``PersonNameRecognizer/isTokenByte(_:)``) and whether it can
    /// start a capitalised word.
    private static let classes: [UInt8] = (0...255).map { value in
        let byte = UInt8(value)
        return (PersonNameRecognizer.isTokenByte(byte) ? token : 0)
            | ((byte >= 0x41 && byte <= 0x5A) || byte == 0xC3 ? capital : 0)
    }

    /// Calls `body` with each byte of `bytes[start..<end]` folded (ASCII letters upper case, the Latin-1 letters
    /// through ``latin1Folds``); false, part-way, when a letter is beyond what this fast fold reads.
    @inline(__always)
    static func forEachFoldedByte(
        _ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ body: (UInt8) -> Void
    ) -> Bool {
        var k = start
        while k < end {
            let b = bytes[k]
            if b < 0x80 {
                body(b >= 0x61 && b <= 0x7A ? b - 0x20 : b)
                k += 1
                continue
            }
            guard b == 0xC3, k + 1 < end else { return false }
            let folded = latin1Folds[Int(bytes[k + 1] & 0x3F)]
            guard folded != 0, bytes[k + 1] & 0xC0 == 0x80 else { return false }
            body(UInt8(folded & 0xFF))
            if folded > 0xFF { body(UInt8(folded >> 8)) }
            k += 2
        }
        return true
    }

    /// FNV-1a over the folded bytes of `bytes[start..<end]`; nil when a letter is beyond what the fast fold reads.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> UInt64? {
        var hash = NameTable.hashStart
        guard forEachFoldedByte(bytes, start, end, { hash = NameTable.hash(hash, adding: $0) }) else { return nil }
        return hash
    }

    /// Whether `table` holds the word `bytes[start..<end]` folded as ``hash(_:_:_:)`` folds it, without making a
    /// string: the folded bytes are written on the stack.
    static func table(_ table: NameTable, holds bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Bool {
        // A folded letter is never longer than its bytes, and at least half as long.
        let longest = table.longest
        guard end > start, end - start <= 2 * longest else { return false }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: end - start) { folded in
            var count = 0
            let folds = forEachFoldedByte(bytes, start, end) { byte in
                folded[count] = byte
                count += 1
            }
            return folds && count <= longest
                && table.contains(UnsafeRawBufferPointer(start: folded.baseAddress, count: count))
        }
    }

    static func hash(_ word: [UInt8]) -> UInt64? {
        word.withUnsafeBytes { hash($0, 0, word.count) }
    }

    /// For U+00C0…U+00FF (`0xC3` then `0x80 | index`): the ASCII letters ``Gazetteers/fold(_:)`` makes of it (a
    /// second letter in the high byte, for `ß`), or 0 when it makes something else (`Æ`, `Ø`, `×`).
    static let latin1Folds: [UInt16] = (0..<64).map { index in
        let scalar = Unicode.Scalar(UInt32(0xC0 + index))!
        let folded = Array(Gazetteers.fold(Substring(String(Character(scalar)))).utf8)
        guard (1...2).contains(folded.count), folded.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else { return 0 }
        return folded.count == 1 ? UInt16(folded[0]) : UInt16(folded[0]) | UInt16(folded[1]) << 8
    }
}
