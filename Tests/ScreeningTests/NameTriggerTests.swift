import Foundation
import Testing

@testable import Screening

@Suite("Screening: where the person-name recogniser looks")
struct NameTriggerTests {
    static let triggers = NameTriggers(gazetteers: .embedded)
    static let recognizer = PersonNameRecognizer(gazetteers: .embedded)

    @Test("the name lists' table fold spells every word as Foundation's folding does")
    func tableFold() {
        var words = [
            "Straße", "ÆRØ", "Œuvre", "O’Neill", "José—", "naïve", "Ÿvonne", "e\u{301}cole", "Zoë", "ÿ", "Ĳssel",
        ]
        for value in 0xC0...0xFF {
            let letter = String(Character(Unicode.Scalar(UInt8(value))))
            words += [letter, "Jo" + letter + "e", letter + "lie" + letter]
        }
        let folds =
            (Array(Gazetteers.embedded.givenNames.prefix(1_000)) + Array(Gazetteers.embedded.surnames.prefix(500))
                + Array(Gazetteers.embedded.notNameWords))
        for word in words + folds {
            #expect(Gazetteers.fold(word[...]) == Gazetteers.foundationFold(word[...]), "\(word)")
        }
    }

    @Test("the fast fold hashes every Latin-1 letter as the name lists' fold spells it, or not at all")
    func fastFold() {
        let letters =
            (0x41...0x5A).map { Unicode.Scalar($0)! } + (0x61...0x7A).map { Unicode.Scalar($0)! }
            + (0xC0...0xFF).map { Unicode.Scalar($0)! }
        for scalar in letters {
            let word = "Jo" + String(Character(scalar)) + "e"
            let folded = Gazetteers.fold(word[...])
            let hash = NameTriggers.hash(Array(word.utf8))
            if folded.utf8.allSatisfy({ $0 < 0x80 }) {
                #expect(hash == NameTriggers.hash(Array(folded.utf8)), "\(word) folds to \(folded)")
            } else {
                #expect(hash == nil, "\(word) folds to \(folded), which the fast fold cannot spell")
            }
        }
    }

    /// The names the recogniser finds reading the whole text, and reading only the trigger windows.
    func bothWays(_ text: String) -> (whole: [PersonNameRecognizer.Span], windows: [PersonNameRecognizer.Span]) {
        Array(text.utf8).withUnsafeBytes { bytes in
            let whole = Self.recognizer.names(in: bytes, start: 0, end: bytes.count)
            let windowed = Self.triggers.windows(in: bytes).flatMap {
                Self.recognizer.names(in: bytes, start: $0.lowerBound, end: $0.upperBound)
            }
            return (whole, windowed)
        }
    }

    @Test(
        "the windows lose no name the recogniser finds in the whole text",
        arguments: [
            "Resident Maria Gonzalez called; Dear Mr. O'Neil, thank you",
            "Sra. García y dhr. van der Berg, mevr. Jansen en Casper van Clootwijck",
            "please reply to Natasha about the fee. Hi Karlijn, thanks. M. Dupont a appelé",
            "applicant Arthur Hall was present with John F. Kennedy and Mary Ann Smith's case",
            "City of San José Generative AI Guidelines; Émile Zola et Ève Curie; Herr Müller",
            "gesprek met dhr. de Vries en mevr. van 't Hek over de aanvraag",
            "gesprek met dhr. J. de Vries en mw. Jansen, Dr. A. Smith en Dr. J. over de aanvraag",
        ])
    func windowsKeepNames(text: String) {
        let (whole, windows) = bothWays(text)
        #expect(!whole.isEmpty)
        #expect(windows == whole)
    }

    @Test("on the labelled corpus and on prose, the windows find exactly what reading everything finds")
    func windowsOnCorpora() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Benchmarks/eval")
        var texts = 0
        var names = 0
        for file in ["corpus.jsonl", "prose.jsonl"] {
            let data = try Data(contentsOf: folder.appendingPathComponent(file))
            for line in data.split(separator: 0x0A) {
                let object = try JSONSerialization.jsonObject(with: line) as? [String: Any]
                let text = try #require(object?["text"] as? String)
                let (whole, windows) = bothWays(text)
                #expect(windows == whole, "\(text.prefix(200))")
                texts += 1
                names += whole.count
            }
        }
        #expect(texts > 1_500 && names > 1_000)
    }

    @Test(
        "acronym plurals and words glued to digits are not names; apostrophes and Mc are",
        arguments: [
            ("set custom CAs, HTTP/2 and PDFs", [String]()),
            ("sign with Ed25519 and v2Maria_3", []),
            ("Regards,\nMarian O'Neill", ["Marian O'Neill"]),
            ("ask Ronald McDonald today", ["Ronald McDonald"]),
        ])
    func wordShapes(text: String, expected: [String]) throws {
        let bytes = Array(text.utf8)
        let found = try ScreeningTests.screener.scan(text).filter { $0.entity == "PERSON" }
        #expect(found.map { String(decoding: bytes[$0.start..<$0.end], as: UTF8.self) } == expected)
    }

    @Test("a recogniser rule needs no pattern; any other rule does, and the error names file and line")
    func patternlessRules() throws {
        func pack(_ rule: String) -> String {
            """
            pack: p
            title: t
            version: "1"
            rules:
              - id: r
                title: t
                category: personal-data
                entity: PERSON
            \(rule)
                action: redact
                message: m
                source: {title: s, url: u}
            """
        }
        let names = try PackLoader.load(bytes: Array(pack("    validator: person-name").utf8), origin: "p.yaml")
        let screener = try Screener(packs: [names])
        #expect(try screener.scan("Dear Maria, hello").map(\.entity) == ["PERSON"])
        #expect(try screener.scan("no names here").isEmpty)
        #expect(throws: PackError.self) {
            try PackLoader.load(bytes: Array(pack("    validator: luhn").utf8), origin: "p.yaml")
        }
        do {
            _ = try PackLoader.load(bytes: Array(pack("    validator: luhn").utf8), origin: "p.yaml")
        } catch {
            #expect("\(error)".hasPrefix("p.yaml:5"))
            #expect("\(error)".contains("needs at least one pattern"))
        }
    }

    @Test("the date check's year, from the clock, is the calendar's year on both sides of New Year")
    func currentYear() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        let days = [
            (1970, 1, 1), (1999, 12, 31), (2000, 1, 1), (2000, 2, 29), (2026, 12, 31), (2027, 1, 1), (2100, 3, 1),
        ]
        for (year, month, day) in days {
            for second in [0, 86_399] {
                let date = try #require(calendar.date(from: DateComponents(year: year, month: month, day: day)))
                    .addingTimeInterval(TimeInterval(second))
                #expect(Validators.currentYear(now: date) == year, "\(year)-\(month)-\(day) +\(second)s")
            }
        }
    }
}
