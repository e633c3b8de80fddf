import Testing

@testable import Screening

@Suite("Screening: prefilter forms that differ in one group of alternatives, scanned as one")
struct SharedPrefilterTests {
    @Test("forms alike but for their largest group of alternatives share one entry, with the alternatives joined")
    func joined() {
        let scanned = [
            #"\d{1,6} (?:[A-Z][a-z]+ )+(?:Abbey|Aly)\b(?:,? (?:Apt|Unit) \d+)?"#,
            #"\d{1,6} (?:[A-Z][a-z]+ )+(?:Acres|Arc)\b(?:,? (?:Apt|Unit) \d+)?"#,
            #"\d{1,6} (?:[A-Z][a-z]+ )+(?:Alley|Ave)\b(?:,? (?:Apt|Unit) \d+)?"#,
            #"\d{1,5} (?:[A-Z][a-z]+ )+(?:Alley|Ave)\b(?:,? (?:Apt|Unit) \d+)?"#,  // differs elsewhere
            #"\d{1,6} (?:[A-Z][a-z]+ )+(?:Abbey|Aly)\b(?:,? (?:Apt|Unit) \d+)?"#,  // not eligible
            #"-\d{2}-\d{4}\b"#,  // no group of alternatives
        ]
        let (owners, joined) = PrefilterExpression.shares(
            scanned, flags: Array(repeating: 0, count: 6), eligible: [true, true, true, true, false, true])
        #expect(owners == [0, 0, 0, 3, 4, 5])
        #expect(joined == [0: #"\d{1,6} (?:[A-Z][a-z]+ )+(?:Abbey|Aly|Acres|Arc|Alley|Ave)\b(?:,? (?:Apt|Unit) \d+)?"#])
        // Other flags, another entry.
        let caseless = PrefilterExpression.shares(Array(scanned[0..<2]), flags: [0, 1], eligible: [true, true])
        #expect(caseless.owners == [0, 1] && caseless.joined.isEmpty)
    }

    @Test("the default packs' four street-address forms share one entry")
    func streetAddresses() throws {
        let patterns = PrefilterExpressionTests.patterns
        let forms = patterns.map { $0.window ? nil : PrefilterExpression.derive($0.expression) }
        let scanned = patterns.indices.map { forms[$0] ?? patterns[$0].expression }
        let (owners, joined) = PrefilterExpression.shares(
            scanned, flags: patterns.map { $0.caseInsensitive ? 1 : 0 }, eligible: forms.map { $0 != nil })
        #expect(joined.count >= 1)
        let shared = owners.indices.filter { owners[$0] != $0 }
        #expect(shared.count >= 3)
        #expect(
            shared.allSatisfy { patterns[$0].expression.contains("Alley") || patterns[$0].expression.contains("Acres") }
        )
    }

    @Test("addresses of each street type, at the edges of the text and across blocks, are found as scanning them whole")
    func sameMatches() throws {
        let patterns = PrefilterExpressionTests.patterns
        let withForms = try PatternDatabase.make(patterns: patterns)
        let asWritten = try PatternDatabase.make(patterns: patterns, prefilterForms: false)
        let unshared = try PatternDatabase.make(patterns: patterns, sharing: false)
        let oracle = try PrefilterExpressionTests.WholeText(patterns)
        var texts: [String] = []
        for street in [
            "12 Abbey Road", "7 Orchard Acres", "221B Baker Alley", "4 Long Alleyway", "1600 Pennsylvania Avenue",
        ] {
            for padding in ["", "x", String(repeating: "a ", count: 7), String(repeating: "y", count: 63)] {
                texts.append(padding + street)
                texts.append(padding + street + ", Apt 4, Springfield, IL 62704")
                texts.append(street + " and " + padding + street + "\u{FF}")
            }
        }
        var found = 0
        for text in texts {
            let expected = oracle.matches(Array(text.utf8))
            #expect(try PrefilterExpressionTests.matches(withForms, Array(text.utf8)) == expected, "\(text)")
            #expect(try PrefilterExpressionTests.matches(asWritten, Array(text.utf8)) == expected, "\(text)")
            #expect(try PrefilterExpressionTests.matches(unshared, Array(text.utf8)) == expected, "\(text)")
            found += expected.count
        }
        #expect(found > 50)
    }
}
