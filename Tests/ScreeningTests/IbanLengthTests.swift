import Testing

@testable import Screening

/// The IBAN check refuses a number whose mod-97 sum is right but whose length is not its country's (the table is
/// built once, by the country code's bytes).
@Suite("Screening: IBAN lengths by country")
struct IbanLengthTests {
    @Test(
        "right mod-97 sum, wrong length for the country: refused; the registry's lengths: taken",
        arguments: [
            ("GB82 WEST 1234 5698 7654 32", true), ("DE89370400440532013000", true), ("NL91ABNA0417164300", true),
            ("GB49WEST123456987654321", false), ("DE5137040044053201300", false), ("NL06ABNA04171643001", false),
            // A country the registry does not list: the sum alone decides.
            ("QQ701234567890123456", true),
        ])
    func lengths(text: String, valid: Bool) {
        #expect(Validators.iban(text[...]) == valid, "\(text)")
    }

    @Test("every country code of the registry is two capital letters, keyed by its bytes")
    func keys() {
        #expect(Validators.ibanLengths.count == 76)
        #expect(Validators.ibanLengths[0x4742] == 22)  // "GB"
        #expect(Validators.ibanLengths[0x4E4F] == 15)  // "NO"
    }
}
