import Testing

@testable import Screening

/// The one-pass test that rules a line out as a table header before its separators are counted.
@Suite("Screening: the header line precheck")
struct TableHeaderPrecheckTests {
    /// Pieces header lines and sentences are made of: labels, sentence words, every separator, quotes, brackets,
    /// backticks, spaces, tabs, digits, punctuation and non-ASCII letters.
    static let pieces = [
        "name", "first_name", "Email", "DOB", "Nome e cognome", "a b", "x", "NHS No.", "id", "(ref)", "#", "sha256",
        "The guidelines of Boston", "residents' data", "San José", "Ünal", "12345", "2024 total", ",", ",", ";", "|",
        "\t", " ", "  ", "\"", "'", "`", "[", "]", ":", "!", "?", "-", "_", "/", ".", "=", "city's", "AB123456C",
        "a very long label that goes on and on past forty-eight bytes", "one two three four five",
    ]

    @Test("it never refuses a line the full header test accepts, and it refuses sentences the full test reads")
    func neverRefusesAHeader() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var headers = 0
        var refused = 0
        for _ in 0..<30_000 {
            var line = ""
            for _ in 0..<(1 + next(12)) { line += Self.pieces[next(Self.pieces.count)] }
            let bytes = Array(line.utf8)
            bytes.withUnsafeBytes { raw in
                let full = TableContext.header(raw, 0..<raw.count, precheck: false)
                let checked = TableContext.header(raw, 0..<raw.count)
                #expect(full?.0 == checked?.0 && full?.1 == checked?.1, "\(line.debugDescription)")
                if full != nil {
                    headers += 1
                    #expect(TableContext.mayBeHeader(raw, 0..<raw.count), "\(line.debugDescription)")
                } else if !TableContext.mayBeHeader(raw, 0..<raw.count) {
                    refused += 1
                }
            }
        }
        #expect(headers > 100 && refused > 5_000, "\(headers) headers, \(refused) refused")
    }

    @Test("sentences with a comma near their start are refused; header lines are not")
    func examples() {
        for sentence in [
            "The guidelines of Boston, San José, Seattle, New York, Toronto, Amsterdam and the Cities Coalition",
            "Yes, the residents' data stays here",
            "first_name, last_name: then the rest",
            "name, a label that is longer than forty-eight bytes in all",
            "name, one two three four five",
        ] {
            #expect(!Self.mayBeHeader(sentence), "\(sentence)")
        }
        for header in [
            "first_name,last_name,email", "\"Nome e cognome\";\"Codice fiscale\"", "| Name | DOB | NHS No. |",
            "name\tsurname\t(ref)", "  `id` , [sha256] ,\tÜnal ",
        ] {
            #expect(Self.mayBeHeader(header), "\(header)")
        }
    }

    static func mayBeHeader(_ line: String) -> Bool {
        Array(line.utf8).withUnsafeBytes { TableContext.mayBeHeader($0, 0..<$0.count) }
    }
}
