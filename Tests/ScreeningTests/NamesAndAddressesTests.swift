import Foundation
import TestSupport
import Testing

@testable import Screening

@Suite("Screening: names from the published name counts, in tables and forms; whole street addresses")
struct NamesAndAddressesTests {
    static let recognizer = PersonNameRecognizer(gazetteers: .embedded)
    static let triggers = NameTriggers(gazetteers: .embedded)
    static let screener: Screener = {
        do { return try Screener(packs: PackLoader.loadDirectory(repositoryRoot + "/guidelines/packs")) } catch {
            fatalError("the shipped packs must compile: \(error)")
        }
    }()

    /// The names the recogniser finds through the trigger windows, and reading the whole text; as strings.
    static func names(_ text: String) -> (windows: [String], whole: [String]) {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { raw in
            func strings(_ spans: [PersonNameRecognizer.Span]) -> [String] {
                spans.map { String(decoding: bytes[$0.start..<$0.end], as: UTF8.self) }
            }
            let windowed = triggers.windows(in: raw).flatMap {
                recognizer.names(in: raw, start: $0.lowerBound, end: $0.upperBound)
            }
            return (strings(windowed), strings(recognizer.names(in: raw, start: 0, end: raw.count)))
        }
    }

    /// The trigger windows find `expected`, and reading the whole text finds the same.
    static func expectNames(_ text: String, _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let found = names(text)
        #expect(found.windows == expected, sourceLocation: sourceLocation)
        #expect(found.whole == found.windows, sourceLocation: sourceLocation)
    }

    /// Neither the trigger windows nor the whole text find a name.
    static func expectNoNames(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let found = names(text)
        #expect(found.windows.isEmpty, "found \(found.windows)", sourceLocation: sourceLocation)
        #expect(found.whole.isEmpty, "found \(found.whole)", sourceLocation: sourceLocation)
    }

    @Test(
        "given names from the SSA counts, beyond the 1990 Census list, start names from many countries",
        arguments: [
            ("Resident Mateo Rossi called about the permit", ["Mateo Rossi"]),
            ("Giulia Bianchi e Lorenzo Romano sono arrivati", ["Giulia Bianchi", "Lorenzo Romano"]),
            ("Zofia Nowak złożyła wniosek", ["Zofia Nowak"]),
            ("Lukas Schmidt hat angerufen", ["Lukas Schmidt"]),
            ("Thiago Oliveira ligou ontem", ["Thiago Oliveira"]),
            ("Aitana Garcia, Iker Lopez", ["Aitana Garcia", "Iker Lopez"]),
        ])
    func givenNamesFromCounts(text: String, expected: [String]) {
        Self.expectNames(text, expected)
    }

    @Test(
        "given names from INSEE's and IBGE's counts start names the US lists lack",
        arguments: [
            ("Anastasie Leroux a rappelé hier", ["Anastasie Leroux"]),
            ("Ghislaine Moreau est arrivée", ["Ghislaine Moreau"]),
            ("Heloísa Andrade ligou ontem", ["Heloísa Andrade"]),
            ("Andrade,Heloísa,430.312.644-60\n", ["Andrade", "Heloísa"]),
            ("lookup cpf=908.387.991-75 for Machado, Benjamim\n", ["Machado", "Benjamim"]),
        ])
    func givenNamesFromFranceAndBrazil(text: String, expected: [String]) {
        Self.expectNames(text, expected)
    }

    @Test(
        "a known given name alone before a verb, opening a line of dialogue, or addressed after a comma",
        arguments: [
            ("Richard is a very sympathetic person.", ["Richard"]),
            ("Edwin shouted at the driver", ["Edwin"]),
            ("Joseph: Remember me, Emily? I do.", ["Joseph", "Emily"]),
            ("Don't go to town, Nathaniel!", ["Nathaniel"]),
            ("lookup steuer_id=58697246109 for Hertrampf, Simona\n", ["Hertrampf", "Simona"]),
        ])
    func loneGivenNames(text: String, expected: [String]) {
        Self.expectNames(text, expected)
    }

    @Test(
        "a name in a street, estate or town name is part of the address, not a person",
        arguments: [
            "Residencial Emanuelly Borges, Horto Florestal, 5",
            "Pátio de da Costa, 33",
            "Área Cauê da Rocha, 39, Virgínia",
            "Colônia Marcos Vinicius Ribeiro, 12",
            "88585-122 Cassiano de Fogaça / RS",
            "56752584 da Rosa / RR\t436.085.002-60",
            "plac Jana III Sobieskiego 980",
            "Via Giuseppe Verdi 12, Milano",
            "the corner of Dunajska 56 and Sigrid Loop",
        ])
    func namesInPlaces(text: String) {
        Self.expectNoNames(text)
    }

    @Test(
        "names alone in table cells and form fields, with no title or greeting",
        arguments: [
            ("Surname,First name,created_at\nCook,Ariana,08/06/2026\n", ["Cook", "Ariana"]),
            ("Ariana\tCook\t2026-08-06\n", ["Ariana", "Cook"]),
            ("| Dulewicz | Antoni | 2019 |", ["Dulewicz", "Antoni"]),
            ("INSERT INTO t VALUES ('Nowak', 'Zofia', 'x@example.org');", ["Nowak", "Zofia"]),
            ("Last name: Dulewicz\nFirst name: Antoni\n", ["Dulewicz", "Antoni"]),
            ("{\"nachname\": \"Oderwald\", \"vorname\": \"Telse\"}", ["Oderwald", "Telse"]),
            ("Nom de famille : Delahaye\nPrénom : Mathilde", ["Delahaye", "Mathilde"]),
            ("achternaam=Voorhout\n", ["Voorhout"]),
            ("name: Mateo Rossi\n", ["Mateo Rossi"]),
        ])
    func namesInCellsAndFields(text: String, expected: [String]) {
        Self.expectNames(text, expected)
    }

    @Test(
        "look-alikes in cells and fields are not names",
        arguments: [
            "Council Member Office hours are on Monday",
            "Subject: Council Meeting agenda",
            "name: PromptGate\nversion: 1.2.3",
            "file_name: Budget Summary\n",
            "Name: Budget Report for May\n",
            "Austin,Texas,78701\n",
            "Status,Active,Pending\n",
            "City of San José Generative AI Guidelines",
            "Subject: Will you attend?",
            "Merci. Para la reunión",
            "Thanks. Please call back",
            "username=Admin\n",
            "Tel: (0117) 496 0101\n",
            "Tel: +48 500 937 898\n",
            "Summer is here, May!",
            "Will: Yes.",
            "we met in Vienna, Anna\n",
            "Thanks, Anna\n",
        ])
    func lookalikes(text: String) {
        Self.expectNoNames(text)
    }

    @Test(
        "a street address is found whole: house number, suffix of each kind, unit, city, state or postcode",
        arguments: [
            (
                "the tenant at 123 Main St Apt 4, Springfield, IL 62704 called",
                "123 Main St Apt 4, Springfield, IL 62704"
            ),
            ("noise at 77 Willow Plaza Suite 9 again", "77 Willow Plaza Suite 9"),
            ("moved to 5 Harbor Pkwy, Boise, ID 83702-1234", "5 Harbor Pkwy, Boise, ID 83702-1234"),
            ("send it to 8 Oak Glade, please", "8 Oak Glade"),
            ("he lives at 10 Downing Street, London SW1A 2AA now", "10 Downing Street, London SW1A 2AA"),
            ("Flat 17, Janet Meadows, Lake Katieview, TR3W 5AA", "Flat 17, Janet Meadows, Lake Katieview, TR3W 5AA"),
            ("at 44 Kingfisher Crescent, Toronto, ON M5V 2T6 since May", "44 Kingfisher Crescent, Toronto, ON M5V 2T6"),
            ("woont op Keizersgracht 123, 1015 CJ Amsterdam sinds mei", "Keizersgracht 123, 1015 CJ Amsterdam"),
            ("Yusufbaan 6, 2743UB, Anerveen", "Yusufbaan 6, 2743UB, Anerveen"),
            ("wohnt in der Rose-Krebs-Straße 7, 39150 Auerbach", "Rose-Krebs-Straße 7, 39150 Auerbach"),
            ("habite au 46, avenue Leroy, 49543 Ledoux-sur-Gosselin", "46, avenue Leroy, 49543 Ledoux-sur-Gosselin"),
            ("abita in Via Roma 12, 00184 Roma", "Via Roma 12, 00184 Roma"),
            ("mieszka przy ul. Kwiatowa 5/3, 00-001 Warszawa", "ul. Kwiatowa 5/3, 00-001 Warszawa"),
            ("mora na Rua das Flores, 44", "Rua das Flores, 44"),
        ])
    func wholeAddresses(text: String, address: String) throws {
        let findings = try Self.screener.scan(text).filter { $0.entity == "STREET_ADDRESS" }
        let start = try #require(text.utf8.firstRange(of: address.utf8))
        let lower = text.utf8.distance(from: text.utf8.startIndex, to: start.lowerBound)
        let upper = text.utf8.distance(from: text.utf8.startIndex, to: start.upperBound)
        #expect(
            findings.contains { $0.start <= lower && $0.end >= upper },
            "wanted \(address.debugDescription) whole; found \(findings.map { $0.start..<$0.end })")
    }

    @Test(
        "an address after a quote, a pipe, '=' or ':' starts at its house number, not at the delimiter",
        arguments: [
            #"{"address": "123 Main St, Springfield, IL 62704"}"#,
            "address='123 Main St, Springfield, IL 62704'",
            "| 42 | 123 Main St, Springfield, IL 62704 |",
            "ADDRESS=123 Main St, Springfield, IL 62704",
            "Address:123 Main St, Springfield, IL 62704",
        ])
    func addressSpanStartsAtItsNumber(text: String) throws {
        let findings = try Self.screener.scan(text).filter { $0.entity == "STREET_ADDRESS" }
        let finding = try #require(findings.first, "no address in \(text.debugDescription)")
        let bytes = Array(text.utf8)
        #expect(
            String(decoding: bytes[finding.start..<finding.end], as: UTF8.self).hasPrefix("123 Main St"),
            "span \(finding.start..<finding.end) of \(text.debugDescription)")
    }

    @Test(
        "numbers and words that only look like an address are not one",
        arguments: [
            "we planted 300 new trees this spring",
            "build 10.2.3.4 Release notes",
            "the corner of Maple and Oak",
            "invoice 2024 Annual Report",
            "Table 3 shows the results",
            "See page 12 Figure 4",
        ])
    func notAddresses(text: String) throws {
        let findings = try Self.screener.scan(text).filter { $0.entity == "STREET_ADDRESS" }
        #expect(findings.isEmpty, "found \(findings.map { $0.start..<$0.end })")
    }

    @Test("a name list searches its sorted ASCII entries in place and keeps the others in a set")
    func nameList() {
        let list = NameList(files: ["# a comment\nAnna\nbob\n  Carla \nAaron\nJosé\n\nZoë\nMary-Ann\n", "Xavier\n"])
        for folded in ["ANNA", "BOB", "CARLA", "AARON", "JOSE", "ZOE", "MARY-ANN", "XAVIER"] {
            #expect(list.contains(folded), "\(folded)")
        }
        for folded in ["ANN", "ANNAS", "", "A COMMENT", "# A COMMENT", "CARL", "ZO", "MARY"] {
            #expect(!list.contains(folded), "\(folded)")
        }
        #expect(list.count == 8)
        #expect(Set(list) == ["ANNA", "BOB", "CARLA", "AARON", "JOSE", "ZOE", "MARY-ANN", "XAVIER"])
    }

    @Test("the name lists are sorted by their folded form, without duplicates, and name their sources")
    func listsAsBuilt() throws {
        for name in ["first-names.txt", "surnames.txt"] {
            let text = try #require(EmbeddedGazetteers.files.first { $0.name == name }?.text)
            #expect(text.contains("US Census Bureau"), "\(name) names no source")
            let folded = Gazetteers.entries(text).map { Gazetteers.fold($0[...]) }
            #expect(folded.count > 30_000, "\(name) has \(folded.count) entries")
            #expect(zip(folded, folded.dropFirst()).allSatisfy { $0 < $1 }, "\(name) is not sorted and unique")
        }
    }
}
