import TestSupport
import Testing

@testable import Screening

/// Whole street addresses, house number to postcode and town (issue 19): US military mail, German and Dutch house
/// numbers with a slash and towns of several words, French towns after the postcode, a Polish street with a regnal
/// number, Brazilian and Spanish addresses through the neighbourhood or door to the postcode — and where they stop.
@Suite("Screening: whole street addresses, house number to postcode")
struct AddressSpanTests {
    static let screener = TableContextTests.screener

    static func values(_ text: String, _ entity: String) throws -> [String] {
        try screener.scan(text).filter { $0.entity == entity }.map(\.value)
    }

    @Test(
        "the address is one span from the house number to the postcode and town",
        arguments: [
            "Unit 4537 Box 3543, DPO AA 95786",
            "PSC 2221, Box 3250, APO AE 82467",
            "USS Nimitz, FPO AP 96620",
            "USCGC Simonds\nFPO AE 96035",
            "Rudolf-Steinberg-Straße 7/8, 20458 Lichtenfels",
            "Klingelhöferstraße 418, 61020 Neunburg vorm Wald",
            "Timosingel 64, 6931 PK, Berkel en Rodenrijs",
            "Wesselbaan 2, 9555SL, Bergen (NH)",
            "27, rue de Hamel, 73807 Saint Alain-sur-Mer",
            "rue Margaud Weber, 09927 Mendès",
            "ul. Jana Pawła II 29, 53-791 Police",
            "Trevo Casa Grande, 81, Comiteco, 34169-864 da Luz / PI",
            "Estação de Silveira, 11, Piratininga, 40051-465 Fernandes / CE",
            "Via de Guillermo Iborra 10 Puerta 9 , Baleares, 36086",
            "Calle Mayor 5, 28013 Madrid",
        ])
    func wholeSpans(address: String) throws {
        #expect(try Self.values("Address: \(address)\n", "STREET_ADDRESS") == [address])
        #expect(try Self.values("Address: \(address)\n", "PERSON").isEmpty, "\(address)")
    }

    @Test(
        "the span stops at the value's end: a closing quote, the next cell, a sentence",
        arguments: [
            ("INSERT INTO t (a) VALUES ('58, rue Mendès, 19295 Menard');", "58, rue Mendès, 19295 Menard"),
            ("Calw,\"Hahngasse 7/2, 33254 Calw\",ORD-2019-810661", "Hahngasse 7/2, 33254 Calw"),
            ("Calle Mayor 5, 28013 Madrid, 2024-01-05", "Calle Mayor 5, 28013 Madrid"),
            (
                "Vila Havaí, 83, 83009-099 Sousa de Ferreira / SP\nnext line",
                "Vila Havaí, 83, 83009-099 Sousa de Ferreira / SP"
            ),
        ])
    func stops(text: String, address: String) throws {
        #expect(try Self.values(text, "STREET_ADDRESS") == [address])
    }

    @Test(
        "military mail needs its box, the APO, FPO or DPO and an armed-forces state",
        arguments: [
            "Unit 4537 Box 3543 was moved",
            "PSC 2221, Box 3250, APO XX 82467",
            "USS Nimitz left port",
            "Room 12 Box 3 holds the DPO AA forms",
        ])
    func militaryLookAlikes(text: String) throws {
        #expect(try Self.values(text, "STREET_ADDRESS").isEmpty, "\(text)")
    }
}
