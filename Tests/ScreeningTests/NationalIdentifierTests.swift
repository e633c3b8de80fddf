import Foundation
import Testing

@testable import Screening

/// The check-digit validators of the national identifiers (`Validators+Europe`, `+AsiaPacific`, `+Americas`) and
/// their rules in the default packs, in plain and hostile forms.
@Suite("Screening: national identifiers beyond the US, Canada and the first European packs")
struct NationalIdentifierTests {
    static let screener = ScreeningTests.screener

    /// (validator, a valid value, the same value with a wrong check digit or character).
    static let pairs: [(String, String, String)] = [
        ("uk-nino", "JG 10 37 59 A", "JG 10 37 59 E"),
        ("uk-driving-licence", "MORGA607054SM9IJ", "MORGA613054SM9IJ"),
        ("it-fiscal-code", "RSSMRA85T10A562S", "RSSMRA85T10A562T"),
        ("it-vat", "01333550323", "01333550324"),
        ("pl-pesel", "44051401458", "44051401459"),
        ("fi-hetu", "131052-308T", "131052-308U"),
        ("se-personnummer", "811228-9874", "811228-9875"),
        ("fr-nir", "1 85 05 78 006 084 91", "1 85 05 78 006 084 92"),
        ("be-national-number", "85.07.30-033.28", "85.07.30-033.29"),
        ("pt-nif", "123456789", "123456780"),
        ("dk-cpr", "010190-1234", "320190-1234"),
        ("de-health-insurance", "A123456780", "A123456787"),
        ("de-social-security", "15070649C103", "15070649C100"),
        ("au-abn", "51 824 753 556", "52 824 753 556"),
        ("au-acn", "005 499 981", "005 499 982"),
        ("au-tfn", "876 543 210", "876 543 211"),
        ("au-medicare", "2123 45670 1", "2123 45671 1"),
        ("in-aadhaar", "4991 8765 4323", "4991 8765 4324"),
        ("sg-nric", "S1234567D", "S1234567E"),
        ("kr-rrn", "960121-1234567", "961321-1234567"),
        ("th-tnin", "1101700203344", "1101700203345"),
        ("br-cpf", "529.982.247-25", "529.982.247-26"),
        ("mx-curp", "GODE561231HDFRRN00", "GODE561231HDFRRN01"),
        ("us-dea", "AB1234563", "AB1234564"),
    ]

    @Test("each validator accepts a valid value and refuses it with a wrong check digit", arguments: pairs)
    func checks(_ name: String, _ valid: String, _ invalid: String) throws {
        let check = try #require(Validators.named(name), "no validator \(name)")
        #expect(check(valid[...]), "\(name) refuses \(valid)")
        #expect(!check(invalid[...]), "\(name) accepts \(invalid)")
    }

    @Test("the checks refuse values of the wrong length and all-zero values")
    func shapes() throws {
        for name in ["pl-pesel", "br-cpf", "it-vat", "au-tfn", "th-tnin", "kr-rrn", "pt-nif", "in-aadhaar"] {
            let check = try #require(Validators.named(name))
            #expect(!check("1"), "\(name)")
            #expect(!check("00000000000"), "\(name)")
            #expect(!check(String(repeating: "1", count: 40)[...]), "\(name)")
        }
        let cpf = try #require(Validators.named("br-cpf"))
        #expect(!cpf("111.111.111-11"))
    }

    /// (text, the value as written, entity).
    static let written: [(String, String, String)] = [
        ("National Insurance number JG 10 37 59 A on file", "JG 10 37 59 A", "UK_NINO"),
        ("codice fiscale RSSMRA85T10A562S del richiedente", "RSSMRA85T10A562S", "IT_FISCAL_CODE"),
        ("My pesel is 44051401458.", "44051401458", "PL_PESEL"),
        ("henkilötunnus 131052-308T", "131052-308T", "FI_PERSONAL_IDENTITY_CODE"),
        ("personnummer 811228-9874", "811228-9874", "SE_PERSONNUMMER"),
        ("NIR 1 85 05 78 006 084 91", "1 85 05 78 006 084 91", "FR_NIR"),
        ("rijksregisternummer 85.07.30-033.28", "85.07.30-033.28", "BE_NATIONAL_NUMBER"),
        ("CPF 529.982.247-25 do requerente", "529.982.247-25", "BR_CPF"),
        ("CPF: 52998224725", "52998224725", "BR_CPF"),
        ("CURP GODE561231HDFRRN00", "GODE561231HDFRRN00", "MX_CURP"),
        ("TFN 876 543 210", "876 543 210", "AU_TFN"),
        ("Aadhaar 4991 8765 4323", "4991 8765 4323", "IN_AADHAAR"),
        ("NRIC S1234567D", "S1234567D", "SG_NRIC_FIN"),
        ("RRN 960121-1234567", "960121-1234567", "KR_RRN"),
        ("DEA AB1234563", "AB1234563", "MEDICAL_LICENSE"),
        ("checking account 945456787654", "945456787654", "US_BANK_NUMBER"),
        ("Medicare ID: 1EG4-TE5-MK73", "1EG4-TE5-MK73", "US_MBI"),
    ]

    @Test("each identifier is found in a sentence with its whole span", arguments: written)
    func found(_ text: String, _ value: String, _ entity: String) throws {
        let finding = try #require(try Self.screener.scan(text).first { $0.entity == entity }, "\(entity) in \(text)")
        #expect(String(decoding: Array(text.utf8)[finding.start..<finding.end], as: UTF8.self) == value)
        #expect(finding.action == .redact)
    }

    @Test("full-width digits and letters read as the identifier they display", arguments: written)
    func fullWidth(_ text: String, _ value: String, _ entity: String) throws {
        let wide = String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { scalar in
                    (0x21...0x7E).contains(scalar.value) && scalar != " "
                        ? Unicode.Scalar(scalar.value + 0xFEE0) ?? scalar : scalar
                }))
        #expect(try Self.screener.scan(wide).contains { $0.entity == entity }, "\(wide)")
    }

    @Test("a zero-width character inside the value hides nothing, and the span covers it", arguments: written)
    func zeroWidth(_ text: String, _ value: String, _ entity: String) throws {
        let middle = value.index(value.startIndex, offsetBy: value.count / 2)
        let hidden = value[..<middle] + "\u{200B}" + value[middle...]
        let hostile = text.replacingOccurrences(of: value, with: hidden)
        let finding = try #require(try Self.screener.scan(hostile).first { $0.entity == entity }, "\(hostile)")
        #expect(String(decoding: Array(hostile.utf8)[finding.start..<finding.end], as: UTF8.self) == hidden)
    }

    @Test("a value split across two parts of a message (a line break between them) is found in both pieces")
    func splitAcrossParts() throws {
        for (first, second, entity) in [
            ("CPF 529.982.", "247-25", "BR_CPF"), ("codice fiscale RSSMRA85", "T10A562S", "IT_FISCAL_CODE"),
            ("My pesel is 440514", "01458", "PL_PESEL"), ("NI number JG 10 37", " 59 A", "UK_NINO"),
        ] {
            let found = try Self.screener.scan(parts: [first, second], joinable: [true, true])
            let pieces = found.filter { $0.finding.entity == entity }
            #expect(Set(pieces.map(\.part)) == [0, 1], "\(first)|\(second): \(found.map(\.finding.entity))")
        }
    }

    @Test("formats that collide with other numbers need a word naming them")
    func contextRequired() throws {
        for (text, entity) in [
            ("876 543 210", "AU_TFN"), ("order 945456787654", "US_BANK_NUMBER"), ("52998224725", "BR_CPF"),
            ("ref 4991 8765 4323", "IN_AADHAAR"), ("85.07.30-033.28", "BE_NATIONAL_NUMBER"), ("123456789", "PT_NIF"),
        ] {
            #expect(try !Self.screener.scan(text).contains { $0.entity == entity }, "\(entity) in \(text)")
        }
    }
}
