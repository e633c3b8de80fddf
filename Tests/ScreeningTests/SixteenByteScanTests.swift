import TestSupport
import Testing

@testable import Screening

/// The structure pass and the name triggers read sixteen bytes at a time (``ByteMask``) and the name tables compare
/// eight bytes at a time; each has a plain form that reads byte by byte, and these tests hold the two to the same
/// answers on seeded hostile texts.
@Suite("Screening: the sixteen-byte scans read what the byte-by-byte ones read")
struct SixteenByteScanTests {
    /// Pieces of the hostile texts: tables with headers several lines up (CSV with quoting, TSV, pipes, `;`), SQL,
    /// keys and labels, CRLF, NUL, non-ASCII capitals, all-capital words, quotes, digits and every separator.
    static let pieces = [
        "first_name,last_name,email\n", "\"Nome e cognome\";\"Codice fiscale\"\r\n", "| Name | DOB | NHS No. |\n",
        "|---|---|---|\n", "Vorname\tNachname\tOrt\n", "Anna,Smith,a@b.example\n", "\"Smith, Anna\",\"x\"\"y\",3\n",
        "Jan\tde Vries\tUtrecht\r\n", "| Ünal | 1990-01-02 | 943 476 5919 |\n",
        "INSERT INTO people (first_name, surname) VALUES ('Anna', 'Dulewicz'), ('Jan', 'van der Berg');\n",
        "Last name: Dulewicz\n", "\"first_name\": \"Telse\", ", "nachname=Oderwald ", "Name - Anna Maria ",
        "customer: Jean Dupont\n", "key=value;", "a-b-c", "-- ", " - ", ":", "=", ",", ";", "|", "\t", "\r\n", "\n",
        "\n\n", "\0", " ", "  ", "\"", "'", "`", "[", "]", "{", "}", "(", ")", "<dob>", "</dob>",
        "The guidelines of Boston, San José, Seattle", "PromptGate", "HTTP", "AI", "JSON's", "McDonald", "O'Neil",
        "'Cook'", "dhr. van der Berg", "Dear Maria,", "Émile", "Łukasz", "ÀB", "Ÿvonne", "Straße", "Ørsted", "ß",
        "naïve", "O’Neill", "M. Dupont", "Casper van Clootwijck", "Hi Team", "12345", "9434765919", "2024-06-15",
        "x", "résumé", "\u{00A0}", "\u{200B}", "Zoë", "AB123456C",
    ]

    /// A seeded hostile text: pieces, sometimes a run of one piece long enough to make a very long line, sometimes
    /// raw bytes of any value.
    static func text(_ random: inout SplitMix) -> [UInt8] {
        var bytes: [UInt8] = []
        for _ in 0..<random.below(120) {
            switch random.below(20) {
            case 0:
                let piece = pieces[random.below(pieces.count)].utf8.filter { $0 != 0x0A }
                for _ in 0..<(20 + random.below(200)) { bytes += piece }
            case 1:
                for _ in 0..<random.below(8) { bytes.append(UInt8(random.below(256))) }
            default:
                bytes += pieces[random.below(pieces.count)].utf8
            }
        }
        return bytes
    }

    /// Every byte value in every lane, over backgrounds of token bytes, separators, spaces and line breaks.
    @Test("each mask sets exactly the lanes of the bytes its predicate names, and the first lane set is found")
    func masks() {
        let predicates: [(String, (SIMD16<UInt8>) -> SIMD2<UInt64>, (UInt8) -> Bool)] = [
            ("line breaks", ByteMask.lineBreaks, { $0 == 0x0A }),
            ("separators", ByteMask.separators, { [0x2C, 0x09, 0x7C, 0x3B].contains($0) }),
            ("key bytes", ByteMask.keyBytes, { [0x3A, 0x3D, 0x2D].contains($0) }),
            ("capitals", ByteMask.capitals, { ($0 >= 0x41 && $0 <= 0x5A) || $0 == 0xC3 }),
            ("token bytes", ByteMask.tokenBytesButQuote, { PersonNameRecognizer.isTokenByte($0) && $0 != 0x27 }),
        ]
        for (name, mask, predicate) in predicates {
            for background: UInt8 in [0x20, 0x61, 0x2C, 0xC3, 0x0A, 0x00, 0xFF] {
                for value in 0...255 {
                    for lane in 0..<16 {
                        var chunk = SIMD16<UInt8>(repeating: background)
                        chunk[lane] = UInt8(value)
                        var expected = SIMD2<UInt64>()
                        for k in 0..<16 where predicate(chunk[k]) { expected[k / 8] |= 0xFF << (8 * (k % 8)) }
                        let lanes = mask(chunk)
                        #expect(lanes == expected, "\(name): \(value) in lane \(lane) over \(background)")
                        let first = (0..<16).first { predicate(chunk[$0]) } ?? 16
                        #expect(ByteMask.first(lanes) == first, "\(name): \(value) in lane \(lane) over \(background)")
                    }
                }
            }
        }
    }

    @Test("the label bytes' bit table says what the comparisons it stands for say, for every byte value")
    func labelBytes() {
        for value in 0...255 {
            let b = UInt8(value)
            let expected =
                TableContext.isLetter(b) || (b >= 0x30 && b <= 0x39)
                || [0x20, 0x5F, 0x2D, 0x2E, 0x23, 0x2F, 0x28, 0x29]
                    .contains(b)
            #expect(TableContext.isLabelByte(b) == expected, "\(value)")
        }
    }

    @Test(
        "a line's end, a separator near its start and its first key byte are the same read either way, from any start")
    func lineFacts() {
        var random = SplitMix(seed: 0x5EED_0001)
        var lines = 0
        for _ in 0..<300 {
            let text = Self.text(&random)
            text.withUnsafeBytes { bytes in
                for start in 0..<bytes.count where start == 0 || bytes[start - 1] == 0x0A || random.below(8) == 0 {
                    let fast = TableContext.lineFacts(bytes, from: start)
                    let plain = TableContext.lineFacts(bytes, from: start, plain: true)
                    #expect(fast == plain, "from \(start) of \(bytes.count)")
                    lines += 1
                    let to = start + random.below(bytes.count - start + 1)
                    #expect(
                        TableContext.nextKeyByte(bytes, from: start, to: to)
                            == TableContext.nextKeyByte(bytes, from: start, to: to, plain: true))
                }
            }
        }
        #expect(lines > 10_000)
    }

    @Test("the structure pass finds the same tables and name cells either way")
    func structure() {
        var random = SplitMix(seed: 0x5EED_0002)
        var tables = 0
        var cells = 0
        for _ in 0..<1_500 {
            let text = Self.text(&random)
            text.withUnsafeBytes { bytes in
                let fast = TableContext(bytes, names: true)
                let plain = TableContext(bytes, names: true, plain: true)
                #expect("\(fast.tables)" == "\(plain.tables)")
                #expect("\(fast.nameCells)" == "\(plain.nameCells)")
                tables += plain.tables.count
                cells += plain.nameCells.count
            }
        }
        #expect(tables > 500 && cells > 500, "\(tables) tables, \(cells) name cells")
    }

    @Test("the name triggers open the same windows either way")
    func triggers() {
        let triggers = NameTriggers(gazetteers: .embedded)
        var random = SplitMix(seed: 0x5EED_0003)
        var windows = 0
        for _ in 0..<1_500 {
            let text = Self.text(&random)
            text.withUnsafeBytes { bytes in
                let fast = triggers.windows(in: bytes)
                #expect(fast == triggers.windows(in: bytes, plain: true))
                windows += fast.count
            }
        }
        #expect(windows > 5_000, "\(windows) windows")
    }

    @Test("both built-in tables carry hash bits, and every entry's bit is set")
    func hashBits() {
        for table in [EmbeddedNameTables.givenNames, EmbeddedNameTables.surnames] {
            guard let bits = table.hashBits else {
                Issue.record("a built-in table without hash bits")
                continue
            }
            #expect(bits.count == 4_096)
            var entries = 0
            table.forEachEntry { entry in
                let hash =
                    Int(truncatingIfNeeded: NameTriggers.hash(entry, 0, entry.count) ?? 0) & (bits.count * 64 - 1)
                #expect(bits[hash >> 6] & (1 << UInt64(hash & 63)) != 0, "\(Array(entry))")
                entries += 1
            }
            #expect(entries > 40_000)
        }
    }

    @Test("a name table answers as a set of its entries, for entries and for keys a byte away from one")
    func nameTable() {
        for table in [EmbeddedNameTables.givenNames, EmbeddedNameTables.surnames] {
            var entries: Set<[UInt8]> = []
            table.forEachEntry { entries.insert(Array($0)) }
            var random = SplitMix(seed: 0x5EED_0004)
            var keys = Array(entries.prefix(3_000))
            for entry in entries.prefix(6_000) {
                var changed = entry
                changed[random.below(changed.count)] = UInt8(0x40 + random.below(28))
                keys += [changed, Array(entry.dropLast()), entry + [UInt8(0x41 + random.below(26))], [0x5A] + entry]
            }
            for _ in 0..<2_000 { keys.append((0..<(1 + random.below(20))).map { _ in UInt8(random.below(256)) }) }
            for key in keys {
                key.withUnsafeBytes { #expect(table.contains($0) == entries.contains(key), "\(key)") }
            }
        }
    }

    /// ``Screener/nameInCell(_:_:gazetteers:minimumWords:)`` as it read before its words were looked up by their
    /// bytes: each word decoded, folded into a string and looked up in sets of strings.
    static func nameInCellByStrings(
        _ bytes: UnsafeRawBufferPointer, _ cell: Range<Int>, gazetteers: Gazetteers, minimumWords: Int
    ) -> Range<Int>? {
        var i = cell.lowerBound
        var end: Int?
        var words = 0
        var only = ""
        while i < cell.upperBound && words < 5 {
            let start = i
            while i < cell.upperBound && PersonNameRecognizer.isTokenByte(bytes[i]) { i += 1 }
            guard i > start, let shape = PersonNameRecognizer.shape(bytes, start, i) else { break }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<shape.coreEnd]), as: UTF8.self)
            guard shape.upperStart || PersonNameRecognizer.particles.contains(text) else { break }
            let folded = Gazetteers.fold(text[...])
            if gazetteers.notNameWords.contains(folded) && !gazetteers.surnames.contains(folded)
                && !gazetteers.givenNames.contains(folded)
            {
                return nil
            }
            if shape.upperStart { end = shape.coreEnd }
            only = folded
            words += 1
            guard i < cell.upperBound, bytes[i] == 0x20 else { break }
            i += 1
        }
        guard let end, words >= minimumWords, !(words == 1 && Screener.placeholders.contains(only)) else { return nil }
        return cell.lowerBound..<end
    }

    @Test("a name cell's name is read by the words' bytes as it was by their folded strings")
    func nameInCell() {
        let gazetteers = Gazetteers.embedded
        let words =
            Array(gazetteers.notNameWords.prefix(40)) + Array(Screener.placeholders)
            + Array(PersonNameRecognizer.particles)
            + [
                "Anna", "Smith", "Hall", "Park", "Town", "N/A", "Unknown", "unbekannt", "Ünal", "ÆRØ", "Zoë", "Straße",
                "O'Neil", "O’Neill", "McDonald", "dé", "Van", "VAN", "ʼt", "\u{212A}elvin", "e\u{301}mile", "Émile",
                "X.",
                "M.", "AI", "42", "-", "'", ".", "x", "Ĳssel", "Łukasz", "none", "Test", "TBD", "\u{FFFD}",
            ]
        var random = SplitMix(seed: 0x5EED_0005)
        var names = 0
        for _ in 0..<20_000 {
            var cell: [UInt8] = []
            for k in 0..<(1 + random.below(6)) {
                if k > 0 { cell += random.below(8) == 0 ? [0x2C] : [0x20] }
                cell +=
                    random.below(30) == 0
                    ? [UInt8(0x80 + random.below(128))] : Array(words[random.below(words.count)].utf8)
            }
            let minimumWords = 1 + random.below(2)
            cell.withUnsafeBytes { bytes in
                let expected = Self.nameInCellByStrings(
                    bytes, 0..<bytes.count, gazetteers: gazetteers, minimumWords: minimumWords)
                let found = Screener.nameInCell(
                    bytes, 0..<bytes.count, gazetteers: gazetteers, minimumWords: minimumWords)
                #expect(found == expected, "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
                if expected != nil { names += 1 }
            }
        }
        #expect(names > 2_000, "\(names) names")
    }
}
