import Testing

@testable import Screening

@Suite("Screening: what a fixed-width pattern's prefilter form leaves out, checked in place")
struct FixedPrefixTests {
    static func prefix(_ pattern: String) -> FixedPrefix? {
        guard let syntax = PatternSyntax(pattern), let form = PrefilterExpression.derive(syntax) else { return nil }
        return FixedPrefix(syntax, form: form)
    }

    static func check(_ pattern: String, _ text: String, at start: Int) throws -> Bool {
        let prefix = try #require(Self.prefix(pattern))
        return Array(text.utf8).withUnsafeBytes { prefix.matches($0, at: start) }
    }

    @Test("word boundaries and classes repeated a fixed number of times are read; anything else is not")
    func readable() {
        #expect(Self.prefix(#"\b[A-Z]{2}\d{7}\b"#)?.steps.count == 2)
        #expect(Self.prefix(#"\b\d{9}\b"#)?.steps.count == 1)
        #expect(Self.prefix(#"\b[A-Z]x\d{7}\b"#) == nil)  // a letter comes first: no form at all
        #expect(Self.prefix(#"\b[A-Z]?\d{8}\b"#) == nil)  // optional
        #expect(Self.prefix(#"\b[A-Z]{1,2}\d{8}\b"#) == nil)  // a variable count
        #expect(Self.prefix(#"\b(?:[A-Z])\d{8}\b"#) == nil)  // a group
        #expect(Self.prefix(#"(?i)\b[a-z]\d{9}\b"#) == nil)  // caseless: its classes are not read as written
        #expect(Self.prefix(#"\b[A-Za-z0-9]+@[a-z]+\.org"#) == nil)  // a punctuation form with a variable prefix
    }

    @Test("the prefix is checked before the form's match, word boundaries in the whole text")
    func checked() throws {
        // "AB1234567": the pattern's match starts at 0, the form's at 2.
        #expect(try Self.check(#"\b[A-Z]{2}\d{7}\b"#, "AB1234567", at: 0))
        #expect(try Self.check(#"\b[A-Z]{2}\d{7}\b"#, "id AB1234567", at: 3))
        #expect(try !Self.check(#"\b[A-Z]{2}\d{7}\b"#, "xAB1234567", at: 1))  // no boundary before A
        #expect(try !Self.check(#"\b[A-Z]{2}\d{7}\b"#, "aB1234567", at: 0))  // a not in [A-Z]
        #expect(try !Self.check(#"\b[A-Z]{2}\d{7}\b"#, "A", at: 0))  // past the end
        #expect(try Self.check(#"\b\d{9}\b"#, "x 123456789", at: 2))
        #expect(try !Self.check(#"\b\d{9}\b"#, "0123456789", at: 1))  // the tail of a longer number
        #expect(try !Self.check(#"\b\d{9}\b"#, "_123456789", at: 1))  // `_` is a word byte
    }
}
