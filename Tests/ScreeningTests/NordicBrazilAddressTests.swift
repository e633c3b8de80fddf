import TestSupport
import Testing

@testable import Screening

/// Street addresses the English, German and Dutch street words miss (issue 19): Nordic street names, which end in
/// their street word or write it apart, Brazilian addresses without a house number or with a numbered district,
/// and a Polish name with a regnal number in the middle; and the look-alikes that must stay text.
@Suite("Screening: Nordic and Brazilian street addresses")
struct NordicBrazilAddressTests {
    static let screener = TableContextTests.screener

    static func values(_ text: String) throws -> [String] {
        try screener.scan(text).filter { $0.entity == "STREET_ADDRESS" }.map(\.value)
    }

    @Test(
        "the whole address is one span",
        arguments: [
            "Västerviksgatan 2", "Clematisvænget 82", "Nordlyveien 84", "Kaarikatu 40", "Puruntie 50",
            "Hvanneyrarbraut 94", "Nordahl Rolfsens vei 187",
            "Colônia Marcos Vinicius Ribeiro, Monte Azul, 46596-011 Aragão / PA",
            "Pátio de da Costa, 33, Alto Dos Pinheiros, 55700-446 da Cruz de Silva / PE",
            "Área Cauê da Rocha, 39, Virgínia, 01221-247 Lopes das Flores / PR",
            "Lago Aurora Borges, 97, Vila Nova Cachoeirinha 3ª Seção, 56049-478 Casa Grande / BA",
            "Residencial Emanuelly Borges, Horto Florestal, 57899484 Teixeira do Norte / RR",
            "plac Jana III Sobieskiego 980, 61-005 Łomża",
        ])
    func wholeSpans(address: String) throws {
        // A finding's value is the screened view of the text, where "3ª" reads "3a": the ends are compared.
        for text in ["Adres: \(address)\n", "\"endereco\": \"\(address)\""] {
            let found = try Self.values(text)
            #expect(
                found.count == 1 && found[0].count == address.count
                    && found[0].hasPrefix(address.prefix(6)) && found[0].hasSuffix(address.suffix(6)), "\(found)")
        }
    }

    @Test(
        "words that end like a street word, a Brazilian street type without its postcode, and numbers in prose are not",
        arguments: [
            "Auntie 2 and Sweetie 3 are film titles", "Windows 10 and Office 365", "Terminal B gate 12",
            "Rua das Flores / PR", "release Vila 3, 2024", "Campo de Cirino won 22 to 10",
            "see Algebra III Sobieskiego 980", "the Gata 5 model",
        ])
    func lookAlikes(text: String) throws {
        #expect(try Self.values(text).isEmpty, "\(text)")
    }
}
