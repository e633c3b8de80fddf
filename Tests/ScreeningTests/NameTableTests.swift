import Foundation
import Testing

@testable import Screening

/// The built-in name lists as tables searched in place (`EmbeddedNameTables`, written by
/// `scripts/embed-guidelines.py`), against the files they were built from.
@Suite("Screening: name tables searched in place")
struct NameTableTests {
    /// The lists as the files' texts give them, indexed the way a list of files is.
    static let fromFiles: (given: NameList, surnames: NameList) = {
        func text(_ name: String) -> String { EmbeddedGazetteers.files.first { $0.name == name }?.text ?? "" }
        return (
            NameList(files: [text("first-names.txt"), text("first-names-europe.txt")]),
            NameList(files: [text("surnames.txt")])
        )
    }()

    @Test("the built-in tables hold exactly the folded entries of the files they were built from")
    func sameEntries() {
        let pairs = [
            (Gazetteers.embedded.givenNames, Self.fromFiles.given),
            (Gazetteers.embedded.surnames, Self.fromFiles.surnames),
        ]
        for (table, files) in pairs {
            #expect(table.table != nil)
            let tabled = Set(table)
            let filed = Set(files)
            #expect(tabled.count > 40_000)
            #expect(tabled == filed, "\(tabled.subtracting(filed).prefix(5)) \(filed.subtracting(tabled).prefix(5))")
            for entry in filed { #expect(table.contains(entry), "\(entry)") }
        }
        #expect(Gazetteers.embedded.givenNames.contains("JORG"))
    }

    @Test("each group holds entries of its length, one a line, in strictly ascending byte order")
    func form() {
        for table in [EmbeddedNameTables.givenNames, EmbeddedNameTables.surnames] {
            var previous: [UInt8] = []
            var count = 0
            table.forEachEntry { entry in
                let bytes = Array(entry)
                #expect(!bytes.isEmpty && !bytes.contains(0x0A) && bytes.allSatisfy { $0 < 0x80 })
                #expect(
                    bytes.count > previous.count
                        || (bytes.count == previous.count && previous.lexicographicallyPrecedes(bytes)))
                let line = UnsafeRawBufferPointer(start: entry.baseAddress! + entry.count, count: 1)
                #expect(line[0] == 0x0A)
                previous = bytes
                count += 1
            }
            #expect(count == table.count)
        }
    }

    @Test("the triggers' hash bits are set for every given name in the table")
    func hashBits() throws {
        let table = EmbeddedNameTables.givenNames
        let bits = try #require(table.hashBits)
        #expect(bits.count == 4_096)
        var missing = 0
        table.forEachEntry { entry in
            let hash = NameTriggers.hash(entry, 0, entry.count) ?? 0
            if bits[Int((hash & 0x3FFFF) >> 6)] & (1 << (hash & 63)) == 0 { missing += 1 }
        }
        #expect(missing == 0)
    }

    @Test("first, last and missing keys; empty, too long, non-ASCII and line-crossing keys are not found")
    func edges() {
        let table = NameTable(starts: [0, 0, 4, 10, 14], text: "A\nB\nAB\nCD\nXYZ\n")
        #expect(table.count == 5 && table.longest == 3)
        for key in ["A", "B", "AB", "CD", "XYZ"] { #expect(Self.contains(table, key), "\(key)") }
        for key in ["", "C", "AA", "ZZ", "XY", "YZ", "XYZZ", "B\nA", "\nXY", "Ä", "a", "ab", "xyz", "AB\n"] {
            #expect(!Self.contains(table, key), "\(key.debugDescription)")
        }
        // The last entry of the built-in tables, the blob's last bytes, is found; one byte more or less is not.
        for built in [EmbeddedNameTables.givenNames, EmbeddedNameTables.surnames] {
            var last: [UInt8] = []
            var first: [UInt8]?
            built.forEachEntry { entry in
                if first == nil { first = Array(entry) }
                last = Array(entry)
            }
            #expect(built.contains(bytes: last) && built.contains(bytes: first ?? []))
            #expect(!built.contains(bytes: last + [0x41]) && !built.contains(bytes: Array(last.dropLast())))
            #expect(!built.contains(bytes: []) && !built.contains(bytes: Array("JÖRG".utf8)))
        }
    }

    @Test("a text that does not match its starts makes an empty table")
    func malformed() {
        for table in [
            NameTable(starts: [0, 0, 4, 10], text: "A\nB\nAB\nCD\nXYZ\n"),  // the text runs past the last start
            NameTable(starts: [0, 0, 3, 9, 13], text: "A\nB\nAB\nCD\nXYZ\n"),  // a group not a whole number of lines
            NameTable(starts: [], text: ""),
        ] {
            #expect(table.count == 0 && !Self.contains(table, "A") && !Self.contains(table, "AB"))
        }
    }

    @Test(
        "the triggers over the table give the windows of the triggers over the files' lists",
        arguments: [
            "Hello Anna, Jörg and Zoë met Émile Zola; Jorg too. Straße, ÆRØ, Ĳssel and Œuvre",
            "Resident Maria Gonzalez called; Dear Mr. O'Neil, thank you. Kenji wrote to Aaliyah",
            "notes: FALSE Positive Words Like Table And Column, then Zygmunt",
            "a name at the very end: Zuzanna",
            "Ánna Ébony Ïsabel Ørjan Þóra Ÿvonne Ñuria Çelik Åsa",
        ])
    func sameWindows(text: String) {
        let fromTable = NameTriggers(gazetteers: .embedded)
        var gazetteers = Gazetteers.embedded
        gazetteers.givenNames = Self.fromFiles.given
        let fromFiles = NameTriggers(gazetteers: gazetteers)
        Array(text.utf8).withUnsafeBytes { bytes in
            #expect(fromTable.windows(in: bytes) == fromFiles.windows(in: bytes))
            #expect(!fromTable.windows(in: bytes).isEmpty)
        }
    }

    @Test("a gazetteer file's entries read by bytes are the entries read by Characters and Foundation's trimming")
    func entriesByBytes() {
        let texts =
            EmbeddedGazetteers.files.map(\.text) + [
                "", "\n\n", "# only a comment", "  Anna \t\r\nBob\r\n\r\n#x\n Carla", "A\u{0B}B\u{0C}C\rD",
                "\tMary Ann  \n  # not a comment?\n#\n-\n", "Zoë\nAnna", "Anna\u{A0}\nBob", "Anna\u{2028}Bob",
            ]
        for text in texts {
            let expected = text.split(whereSeparator: \.isNewline).compactMap { line in
                let entry = line.trimmingCharacters(in: .whitespaces)
                return entry.isEmpty || entry.hasPrefix("#") ? nil : entry
            }
            #expect(Gazetteers.entries(text) == expected, "\(text.prefix(40).debugDescription)")
        }
        #expect(Array("Zoë\nAnna".utf8).withUnsafeBytes { Gazetteers.asciiEntries($0) } == nil)
    }

    static func contains(_ table: NameTable, _ key: String) -> Bool { table.contains(bytes: Array(key.utf8)) }
}

extension NameTable {
    fileprivate func contains(bytes: [UInt8]) -> Bool { bytes.withUnsafeBytes { contains($0) } }
}
