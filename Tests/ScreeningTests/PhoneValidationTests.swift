import TestSupport
import Testing

@testable import Screening

/// Phone numbers checked with libphonenumber: national formats against the European regions' numbering plans,
/// international ones against the region their country code names.
@Suite("Screening: phone numbers checked with libphonenumber")
struct PhoneValidationTests {
    static let screener = TableContextTests.screener

    @Test(
        "national numbers valid in a European region pass; numbers no region has do not",
        arguments: [
            ("020 7946 0958", true),  // London
            ("07700 900123", true),  // UK mobile
            ("079 123 45 67", true),  // Swiss mobile
            ("0612345678", true),  // Dutch mobile
            ("06 04 39 15 00", true),  // French mobile
            ("030 1234567", true),  // Berlin
            ("531 660 379", true),  // Polish mobile
            ("0000 123 456", false),
            ("01", false),
        ])
    func national(number: String, valid: Bool) throws {
        let check = try #require(Validators.graded["phone-national"])
        #expect((check(number[...]) == .valid) == valid, "\(number)")
    }

    @Test(
        "international numbers are rated for the region of their country code",
        arguments: [
            ("+44 20 7946 0958", Validators.Grade.valid),
            ("0044 20 7946 0958", .valid),
            ("+31 20 624 1111", .valid),
            ("0031 20 624 1111", .valid),
            ("+33 (0)6 04 39 15 00", .valid),
            ("+49 30 1234567", .valid),
            ("+999 1234 5678", .invalid),  // no country has code 999
            ("0099 123 4567", .invalid),
            ("+44 1", .invalid),
        ])
    func international(number: String, grade: Validators.Grade) throws {
        let check = try #require(Validators.graded["phone-international"])
        #expect(check(number[...]) == grade, "\(number)")
    }

    @Test("a 00 number that is only of a possible length is not taken: 00 and digits are also order numbers")
    func doubleZeroNeedsValid() throws {
        let check = try #require(Validators.graded["phone-international"])
        // Right length for the UK, but in no range in use: plausible with +, refused with 00.
        #expect(check("+44 1632 960460"[...]) == .plausible)
        #expect(check("0044 1632 960460"[...]) == .invalid)
    }

    @Test(
        "phones of several countries are found in text and tables",
        arguments: [
            ("phone: 0044 20 7946 0958", "0044 20 7946 0958"),
            ("Telefon 0031 20 624 1111", "0031 20 624 1111"),
            ("bel +31 20 624 1111", "+31 20 624 1111"),
            ("Handy: 079 123 45 67", "079 123 45 67"),
            ("mobile 07700 900123", "07700 900123"),
            ("name,phone\nAnna,07700 900123\n", "07700 900123"),
            ("telefon: 531 660 379", "531 660 379"),
        ])
    func found(text: String, number: String) throws {
        let findings = try Self.screener.scan(text)
        #expect(findings.contains { $0.entity == "PHONE_NUMBER" && $0.value == number }, "\(findings.map(\.value))")
    }

    @Test(
        "numbers no region has are not phones, even next to a phone word",
        arguments: ["phone: 0000 123 456", "call +999 1234 5678", "case 0099 123 4567"])
    func notFound(text: String) throws {
        #expect(!(try Self.screener.scan(text).contains { $0.entity == "PHONE_NUMBER" }))
    }

    @Test("the library is safe to call from many tasks at once")
    func concurrent() async throws {
        let check = try #require(Validators.graded["phone-national"])
        let results = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<64 {
                group.addTask { check((i % 2 == 0 ? "020 7946 0958" : "0000 123 456")[...]) == .valid }
            }
            var valid = 0
            for await result in group where result { valid += 1 }
            return valid
        }
        #expect(results == 32)
    }
}
