import TestSupport
import Testing

@testable import Screening

/// Column headers, keys and form labels as context: a value whose only context is the header of its column.
@Suite("Screening: structure is context (tables, records, form labels)")
struct TableContextTests {
    /// The packs the identifiers and names below belong to, from the repository's guideline folder.
    static let screener: Screener = {
        do {
            let folder = repositoryRoot + "/guidelines/packs/"
            let packs = try ["universal.yaml", "europe-uk.yaml", "united-states.yaml"].map {
                try PackLoader.loadFile(folder + $0)
            }
            return try Screener(packs: packs)
        } catch {
            fatalError("the packs must load: \(error)")
        }
    }()

    /// Valid identifiers that need a word beside them: NHS (mod 11), BSN (11-proof), Steuer-ID.
    static let nhs = "9434765919"
    static let bsn = "123456782"
    static let taxID = "86095742719"

    static func entities(_ text: String) throws -> [String] {
        try screener.scan(text).map(\.entity)
    }

    static func found(_ text: String, _ value: String, _ entity: String) throws -> Bool {
        try screener.scan(text).contains { $0.entity == entity && $0.value == value }
    }

    /// The same three identifiers, with headers that name them, in every structured format.
    static let named: [(format: String, text: String)] = [
        ("CSV", "id,nhs_number,bsn,steuer_id\n1,\(nhs),\(bsn),\(taxID)\n"),
        ("CSV, quoted", "\"id\",\"NHS Number\",\"BSN\",\"Steuer-ID\"\n\"1\",\"\(nhs)\",\"\(bsn)\",\"\(taxID)\"\n"),
        ("TSV", "id\tnhsNumber\tbsn\tsteuerId\n1\t\(nhs)\t\(bsn)\t\(taxID)\n"),
        ("semicolons", "id;NHS no;BSN;Steuer ID\n1;\(nhs);\(bsn);\(taxID)\n"),
        (
            "Markdown",
            "| id | NHS No. | BSN | Steuer-ID |\n|---|---|---|---|\n| 1 | \(nhs) | \(bsn) | \(taxID) |\n"
        ),
        (
            "SQL",
            "INSERT INTO residents (id, nhs_number, bsn, steuer_id) VALUES\n  (1, '\(nhs)', '\(bsn)', '\(taxID)'),\n"
                + "  (2, '0000000000', '000000000', '00000000000');"
        ),
        ("JSON", "[{\"id\": 1, \"nhs_number\": \"\(nhs)\", \"bsn\": \"\(bsn)\", \"steuer_id\": \"\(taxID)\"}]"),
        ("YAML", "- id: 1\n  nhs_number: \"\(nhs)\"\n  bsn: \(bsn)\n  steuer_id: '\(taxID)'\n"),
        (".env", "ID=1\nNHS_NUMBER=\(nhs)\nBSN=\(bsn)\nSTEUER_ID=\(taxID)\n"),
        ("form", "Record 1\nNHS number: \(nhs)\nBSN: \(bsn)\nSteuer-ID - \(taxID)\n"),
        ("XML", "<r><id>1</id><nhs_number>\(nhs)</nhs_number><bsn>\(bsn)</bsn><steuer_id>\(taxID)</steuer_id></r>"),
    ]

    @Test("an identifier whose only context is its column header or key is found", arguments: named)
    func headerIsContext(format: String, text: String) throws {
        #expect(try Self.found(text, Self.nhs, "UK_NHS"), "\(format): NHS")
        #expect(try Self.found(text, Self.bsn, "NL_BSN"), "\(format): BSN")
        #expect(try Self.found(text, Self.taxID, "DE_TAX_ID"), "\(format): Steuer-ID")
    }

    /// The same numbers under headers that name something else.
    static let unrelated: [(format: String, text: String)] = [
        ("CSV", "id,order_no,amount,ticket\n1,\(nhs),\(bsn),\(taxID)\n"),
        ("Markdown", "| id | Order | Amount | Ticket |\n|---|---|---|---|\n| 1 | \(nhs) | \(bsn) | \(taxID) |\n"),
        ("SQL", "INSERT INTO orders (id, order_no, amount, ticket) VALUES (1, '\(nhs)', '\(bsn)', '\(taxID)');"),
        ("JSON", "{\"id\": 1, \"order_no\": \"\(nhs)\", \"amount\": \"\(bsn)\", \"ticket\": \"\(taxID)\"}"),
        (".env", "ORDER_NO=\(nhs)\nAMOUNT=\(bsn)\nTICKET=\(taxID)\n"),
        ("headerless CSV", "1,\(nhs),\(bsn),\(taxID)\n2,\(nhs),\(bsn),\(taxID)\n"),
    ]

    @Test("the same numbers under an unrelated header are not found", arguments: unrelated)
    func unrelatedHeader(format: String, text: String) throws {
        let entities = try Self.entities(text)
        #expect(!entities.contains("UK_NHS"), "\(format)")
        #expect(!entities.contains("NL_BSN"), "\(format)")
        #expect(!entities.contains("DE_TAX_ID"), "\(format)")
    }

    @Test("a header names its column however many rows down, and only its own column")
    func headerFarAbove() throws {
        var text = "row,nhs_number,order_no\n"
        for row in 0..<500 { text += "\(row),,\(1_000_000 + row)\n" }
        text += "501,\(Self.nhs),\(Self.nhs)\n"
        let findings = try Self.screener.scan(text).filter { $0.entity == "UK_NHS" }
        #expect(findings.count == 1)
        // The first of the two equal values, in the nhs_number column.
        let offset = text.utf8.count - 2 * Self.nhs.utf8.count - 2
        #expect(findings.first?.start == offset)
    }

    @Test("words of another row are not context: a header word two rows up does not name this value")
    func otherRowsAreNotContext() throws {
        let text = "note,value\nNHS,1\nother,\(Self.nhs)\n"
        #expect(!(try Self.entities(text).contains("UK_NHS")))
        // In prose the same word within the window still counts.
        #expect(try Self.found("NHS number\n\(Self.nhs)", Self.nhs, "UK_NHS"))
    }

    @Test("a column of dates of birth is found; a column of other dates is not")
    func birthDateColumn() throws {
        let text = "name,dob,visited\nAnna Smith,1987-03-14,2024-05-02\n"
        let dates = try Self.screener.scan(text).filter { $0.entity == "DATE_OF_BIRTH" }.map(\.value)
        #expect(dates == ["1987-03-14"])
        #expect(try Self.found("{\"date_of_birth\": \"14/03/1987\"}", "14/03/1987", "DATE_OF_BIRTH"))
        #expect(try Self.found("Geburtsdatum: 14.03.1987", "14.03.1987", "DATE_OF_BIRTH"))
    }

    @Test("a phone column gives its numbers the context a sentence would")
    func phoneColumn() throws {
        let text = "name,phone,mobile\nAnna Smith,020 7946 0958,06 12 34 56 78\n"
        #expect(try Self.found(text, "020 7946 0958", "PHONE_NUMBER"))
        #expect(try Self.found(text, "06 12 34 56 78", "PHONE_NUMBER"))
        #expect(!(try Self.entities("name,order\nAnna Smith,020 7946 0958\n").contains("PHONE_NUMBER")))
    }

    // MARK: - Names

    /// Names no list knows, in name columns and fields.
    static let nameTables: [(format: String, text: String, names: [String])] = [
        ("CSV", "first_name,last_name,city\nQuillon,Brackwater,Leeds\n", ["Quillon", "Brackwater"]),
        ("CSV, full name quoted", "full_name,ref\n\"Quillon Brackwater\",7\n", ["Quillon Brackwater"]),
        ("TSV", "Vorname\tNachname\nQuillon\tBrackwater\n", ["Quillon", "Brackwater"]),
        ("Markdown", "| Surname | Given name |\n|---|---|\n| Brackwater | Quillon |\n", ["Brackwater", "Quillon"]),
        (
            "SQL", "INSERT INTO people (id, first_name, surname) VALUES (1, 'Quillon', 'Brackwater');",
            ["Quillon", "Brackwater"]
        ),
        ("JSON", "{\"firstName\": \"Quillon\", \"lastName\": \"Brackwater\"}", ["Quillon", "Brackwater"]),
        ("form", "Last name: Brackwater\nFirst name: Quillon\n", ["Brackwater", "Quillon"]),
        ("YAML", "contact:\n  name: Quillon Brackwater\n", ["Quillon Brackwater"]),
        ("Dutch form", "Achternaam: van Brackwater\nVoornaam - Quillon\n", ["van Brackwater", "Quillon"]),
        ("Italian", "| Nome e cognome | ip |\n|---|---|\n| Quillon Brackwater | 10.0.0.1 |\n", ["Quillon Brackwater"]),
        ("Polish TSV", "Imię\tNazwisko\nQuillon\tBrąckwater\n", ["Quillon", "Brąckwater"]),
        ("Spanish JSON", "{\"nombre_completo\": \"Quillon Brackwater\"}", ["Quillon Brackwater"]),
        ("code", "user = User(first_name=\"Quillon\", last_name=\"Brackwater\")", ["Quillon", "Brackwater"]),
        ("role", "INSERT INTO r (customer, ref) VALUES ('Quillon Brackwater', 'x');", ["Quillon Brackwater"]),
    ]

    @Test("a value in a name column or field is a name even if no list knows it", arguments: nameTables)
    func nameColumns(format: String, text: String, names: [String]) throws {
        let found = try Self.screener.scan(text).filter { $0.entity == "PERSON" }.map(\.value)
        for name in names { #expect(found.contains(name), "\(format): \(name) not in \(found)") }
    }

    @Test("columns named for other things, and placeholders, are not names")
    func notNames() throws {
        for text in [
            "company_name,file_name\nBrackwater Holdings,Quillon Report\n",
            "first_name,last_name\nUnknown,N/A\n",
            "name,dept\nParks Department,Roads\n",
            "username: Quillon\n",
            "customer,ref\nQuillon,7\n",
            "contact: Quillon\n",
        ] {
            #expect(!(try Self.entities(text).contains("PERSON")), "\(text.debugDescription)")
        }
    }

    // MARK: - Hostile input

    @Test("quoted separators and doubled quotes do not shift the columns")
    func quotedCommas() throws {
        let text = "name,notes,nhs_number\n\"Smith, Anna\",\"said \"\"hi, there\"\", twice\",\(Self.nhs)\n"
        #expect(try Self.found(text, Self.nhs, "UK_NHS"))
        let shifted = "name,nhs_number,notes\n\"Smith, Anna\",x,\"a, b, \(Self.nhs)\"\n"
        #expect(!(try Self.entities(shifted).contains("UK_NHS")))
        let names = "notes,first_name\n\"late, twice\",Quillon\n"
        #expect(try Self.screener.scan(names).contains { $0.entity == "PERSON" && $0.value == "Quillon" })
    }

    @Test("ragged rows: a cell past the header's columns has no header; the others keep theirs")
    func raggedRows() throws {
        let text = "id,nhs_number\n1\n2,\(Self.nhs)\n3,x,\(Self.bsn),extra,,\n"
        #expect(try Self.found(text, Self.nhs, "UK_NHS"))
        #expect(!(try Self.entities(text).contains("NL_BSN")))
    }

    @Test("a first line that is itself personal data is still screened as text")
    func piiLookingHeader() throws {
        let text = "Maria Garcia,James Smith\nQuillon,Brackwater\n"
        let names = try Self.screener.scan(text).filter { $0.entity == "PERSON" }.map(\.value)
        #expect(names.contains("Maria Garcia"))
        #expect(names.contains("James Smith"))
    }

    @Test("a table split across messages: the header in one, the row in the next")
    func splitAcrossMessages() throws {
        let parts = ["Here is the export:\nid,nhs_number,first_name", "1,\(Self.nhs),Quillon"]
        let found = try Self.screener.scan(parts: parts, joinable: [false, false])
        #expect(found.contains { $0.part == 1 && $0.finding.entity == "UK_NHS" && $0.finding.value == Self.nhs })
        #expect(found.contains { $0.part == 1 && $0.finding.entity == "PERSON" && $0.finding.value == "Quillon" })
    }

    @Test("a CSV of 100,000 rows: every identifier under its header is found, the table held by its extent")
    func hugeCSV() throws {
        let rows = 100_000
        var text = "id,nhs_number,first_name\n"
        text.reserveCapacity(rows * 28)
        for row in 0..<rows { text += "\(row),\(Self.nhs),Quillon\n" }
        let findings = try Self.screener.scan(text)
        #expect(findings.filter { $0.entity == "UK_NHS" }.count == rows)
        #expect(findings.filter { $0.entity == "PERSON" }.count == rows)
        var bytes = Array(text.utf8)
        let context = bytes.withUnsafeMutableBytes { TableContext(UnsafeRawBufferPointer($0), names: false) }
        #expect(context.tables.count == 1)
        #expect(context.tables.first?.rowStarts.isEmpty == true)
    }

    @Test("a long line of separators and quotes is read once")
    func hostileLine() throws {
        let text = String(repeating: "a,\"", count: 50_000) + "\n" + String(repeating: "|", count: 100_000)
        #expect(try Self.screener.scan(text).isEmpty)
    }

    // MARK: - Labels

    @Test(
        "labels are normalised: case, snake_case, camelCase, spaces and abbreviations",
        arguments: [
            ("nhs_number", "nhs number nhsnumber"), ("NHS No.", "nhs no nhsno nhs number"),
            ("steuerId", "steuer id steuerid"), ("DOB", "dob date of birth"), ("Tel", "tel phone"),
            ("first-name", "first name firstname"),
        ])
    func normalised(label: String, expected: String) {
        var bytes = Array(label.utf8)
        let text = bytes.withUnsafeMutableBytes { buffer in
            HeaderLabel.normalized(HeaderLabel.words(UnsafeRawBufferPointer(buffer), 0..<buffer.count))
        }
        #expect(String(decoding: text, as: UTF8.self) == expected)
    }

    @Test("the key before a value, in each way a record writes one")
    func keys() {
        for (text, key) in [
            ("\"nhs_number\": \"1", "nhs_number"), ("nhs: 1", "nhs"), ("NHS_NUMBER=1", "NHS_NUMBER"),
            ("- Last name: 1", "Last name"), ("<dob>1", "dob"), ("Steuer-ID - 1", "Steuer-ID"), ("x 1", ""),
            ("10:30 1", ""), ("a very long label of many words: 1", "label of many words"),
        ] {
            var bytes = Array(text.utf8)
            let found = bytes.withUnsafeMutableBytes { buffer -> String in
                let raw = UnsafeRawBufferPointer(buffer)
                guard let range = TableContext.key(before: raw.count - 1, in: raw) else { return "" }
                return String(decoding: UnsafeRawBufferPointer(rebasing: raw[range]), as: UTF8.self)
            }
            #expect(found == key, "\(text.debugDescription)")
        }
    }
}
