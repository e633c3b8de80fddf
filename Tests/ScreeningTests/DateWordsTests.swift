import TestSupport
import Testing

@testable import Screening

/// The date check reads ASCII candidates byte by byte and others by `Character`: both readings give the same numbers
/// and month.
@Suite("Screening: a date's words read byte by byte as by Character")
struct DateWordsTests {
    @Test("written dates, month names, separators and odd bytes: the same numbers and month both ways")
    func same() {
        let written = [
            "1985-03-15", "03/15/1985", "15.03.1985", "15 March 1985", "MARCH 15th, 1985", "15 de marzo de 1985",
            "Sept. 3 1999", "3-OKT-2001", "12345678901234567890123 1990", "dec\r\n1999", "décembre 3 1985", "",
        ]
        for text in written {
            #expect(Validators.dateWords(text[...]) == Validators.dateWordsByCharacter(text[...]), "\(text)")
        }
        var random = SplitMix(seed: 2027)
        let pieces = ["1", "19", "85", "2024", "0", "-", "/", ".", " ", ",", "Mar", "march", "SEPT", "okt", "x", "\t"]
        for _ in 0..<2_000 {
            let text = (0..<random.below(8)).map { _ in pieces[random.below(pieces.count)] }.joined()
            #expect(Validators.dateWords(text[...]) == Validators.dateWordsByCharacter(text[...]), "\(text)")
        }
    }
}
