import TestSupport
import Testing

@testable import Screening

/// Look-alikes in records, forms and tickets (issue 19): a value's own label outranks the field next to it, the tail
/// of a longer number is no value, a calendar date is no phone number, and order and reference words in the
/// languages residents write in keep dotted numbers from reading as IP addresses.
@Suite("Screening: look-alikes in records, forms and tickets")
struct RecordLookAlikeTests {
    static let screener = TableContextTests.screener

    static func values(_ text: String, _ entity: String) throws -> [String] {
        try screener.scan(text).filter { $0.entity == entity }.map(\.value)
    }

    @Test(
        "a birth label on the next line names the next line's date, not this one",
        arguments: [
            ("due_date:\t2024-06-15\ndob:\tAug 23, 1991\n", ["Aug 23, 1991"]),
            ("Aangemaakt: 2026-02-06\ngeboortedatum: 28-06-1991\n", ["28-06-1991"]),
            ("data - 22.12.2025\nData urodzenia - 02.06.1998\n", ["02.06.1998"]),
            ("Datum: 11/01/2024\ngeburtsdatum: 10.08.1952\n", ["10.08.1952"]),
            ("Date of birth:\n1991-08-23\n", ["1991-08-23"]),
            ("dob: 1991-08-23\n", ["1991-08-23"]),
        ])
    func birthLabelBelongsToItsLine(text: String, expected: [String]) throws {
        #expect(try Self.values(text, "DATE_OF_BIRTH") == expected, "\(text)")
    }

    @Test(
        "a date under its own label for another event is not a birth date, even with a birth word beside it",
        arguments: [
            "birthdate: 1946-05-23, due_date: 2024-06-15",
            #"{"dob_checked": "no", "created_at": "2024-06-15"}"#,
        ])
    func otherEventLabel(text: String) throws {
        #expect(try !Self.values(text, "DATE_OF_BIRTH").contains("2024-06-15"), "\(text)")
    }

    @Test(
        "in a table without a header, a column of past dates decades apart holds dates of birth; events do not",
        arguments: [
            ("Anna,Smith,1965-10-25\nNicola,Griffiths,05/11/1935\nOwen,Taylor,17/05/1939\n", 3),
            (
                "Anna Smith,\"Main St 5, Leeds\",1965-10-25,x\nOwen Taylor,\"2 Elm Rd, Hull\",1939-05-17,y\n"
                    + "Ann Lee,\"9 Oak Rd, York\",1988-01-02,z\n", 3
            ),
            // Created or due dates: a few years, reaching today.
            ("Anna,Smith,2024-10-25\nNicola,Griffiths,05/11/2025\nOwen,Taylor,17/05/2026\n", 0),
            // Two rows are not a column; dates in prose are no cells.
            ("Anna,Smith,1965-10-25\nOwen,Taylor,17/05/1939\n", 0),
            ("We met on 1965-10-25, 1939-05-17 and 1988-01-02.", 0),
            // Rows of different widths are not one table.
            ("Anna,Smith,1965-10-25\nOwen,Taylor,x,17/05/1939\nAnn,Lee,y,1988-01-02\n", 0),
        ])
    func birthDateColumns(text: String, count: Int) throws {
        #expect(try Self.values(text, "DATE_OF_BIRTH").count == count, "\(text)")
    }

    @Test(
        "in a table without a header, a column of numbers that all pass a check-digit test names itself",
        arguments: [
            ("Spencer,Owen,9458073022\nMistry,Amy,1573681938\nMartin,Rebecca,0364262125\n", 3),
            ("Spencer\tOwen\t9458073022\tx\nMistry\tAmy\t1573681938\ty\nMartin\tRebecca\t9972200337\tz\n", 3),
            // One row failing the check breaks the column; two rows are not a column.
            ("Spencer,Owen,9458073022\nMistry,Amy,9458073023\nMartin,Rebecca,0364262125\n", 0),
            ("Spencer,Owen,9458073022\nMistry,Amy,1573681938\n", 0),
            // Part of a longer cell, or in prose, it has no column.
            ("a,ref 9458073022 b,c\nd,ref 1573681938 e,f\ng,ref 0364262125 h,i\n", 0),
            ("Numbers 9458073022, 1573681938 and 0364262125 were read.", 0),
        ])
    func checkedColumns(text: String, count: Int) throws {
        #expect(try ScreeningTests.screener.scan(text).filter { $0.entity == "UK_NHS" }.count == count, "\(text)")
    }

    @Test(
        "a calendar date, or its tail, is not a phone number",
        arguments: [
            #"{"telefoon": "0391-500080", "datum": "19.02.2027"}"#,
            "telefoon: 0391-500080\naangemaakt: 19/01/2027\n",
            "Tel. 0391-500080, data 04.10.2024",
        ])
    func datesAreNotPhones(text: String) throws {
        #expect(try Self.values(text, "PHONE_NUMBER") == ["0391-500080"], "\(text)")
    }

    @Test("a date shape is a day, month and four-digit year, either order, dots or slashes")
    func dateShape() {
        #expect(Validators.isDate("02.12.2026"))
        #expect(Validators.isDate("9/1/2027"))
        #expect(Validators.isDate("12/31/2024"))
        #expect(!Validators.isDate("32.12.2026"))
        #expect(!Validators.isDate("13.13.2026"))
        #expect(!Validators.isDate("02.12.26"))
        #expect(!Validators.isDate("02.12/2026"))
        #expect(!Validators.isDate("020 7946 0958"))
        #expect(!Validators.isDate("0391-500080"))
    }

    @Test(
        "the tail of a longer dotted, slashed or dashed number is no value of its own",
        arguments: [
            ("19.02.2027", 3, true), ("1.2.3.4.5", 2, true), ("030/12345678", 4, true), ("tel 0612345678", 4, false),
            ("a.0612345678", 2, false), ("12", 0, false),
        ])
    func tails(text: String, offset: Int, expected: Bool) {
        var text = text
        let result = text.withUTF8 { Screener.continuesNumber(UnsafeRawBufferPointer($0), at: offset) }
        #expect(result == expected, "\(text) at \(offset)")
    }

    @Test(
        "an order, case or version number under its own label is not a phone number, whatever field is next to it",
        arguments: [
            "Phone:\t020 7946 0958\norder_no:\t6681651\n",
            #"{"pedido": "942360837", "telefono": "020 7946 0958"}"#,
            "Telefon - 020 7946 0958\nVorgang - 0391500080\n",
            #"{"telefoon": "020 7946 0958", "versie": "21.20.23.25"}"#,
            #"{"telephone": "020 7946 0958", "version": "22.12.32.0"}"#,
            "tel 020 7946 0958 build 28.40.22.26",
        ])
    func orderNumbers(text: String) throws {
        #expect(try Self.values(text, "PHONE_NUMBER") == ["020 7946 0958"], "\(text)")
    }

    @Test(
        "a dotted four-part number after an order, reference or article word, or under a build key, is not an IP",
        arguments: [
            "pedido 15.24.20.27: Serafina Valenciano",
            "référence 4.24.29.29: Émilie Legros",
            "part no. 9.11.15.6: Sandra Allen",
            "zamówienie 13.21.19.15: Aniela Plebanek",
            "riferimento 26.7.25.26: Monica Toso",
            #"{"build": "26.23.14.10", "ip": "23.232.157.87"}"#,
            "build:\t26.23.14.10\nip:\t23.232.157.87\n",
        ])
    func referenceNumbers(text: String) throws {
        #expect(try !Self.values(text, "IP_ADDRESS").contains { $0.hasPrefix("26.") || $0.count < 12 }, "\(text)")
    }

    @Test("an address under an ip key is still found next to a build key")
    func addressBesideBuild() throws {
        #expect(
            try Self.values(#"{"build": "26.23.14.10", "ip": "23.232.157.87"}"#, "IP_ADDRESS") == ["23.232.157.87"])
        #expect(try Self.values("pedido enviado desde la IP 203.0.113.45", "IP_ADDRESS") == ["203.0.113.45"])
    }

    @Test(
        "nine digits in threes that pass Luhn are a SIN by a SIN word, not under a phone or order label",
        arguments: [
            ("SIN 130 692 544 on the form", ["130 692 544"]),
            ("phone 555-1234, SIN: 130 692 544", ["130 692 544"]),
            (#"{"telefon": "130 692 544"}"#, []),
            ("Tel. 130 692 544", []),
            ("name,order_no\nAnna Kowalska,130 692 544\n", []),
        ])
    func sinBesidePhones(text: String, expected: [String]) throws {
        // Every pack: the SIN rule is in canada-ontario.
        let found = try ScreeningTests.screener.scan(text).filter { $0.entity == "CA_SIN" }.map(\.value)
        #expect(found == expected, "\(text)")
    }

    @Test("'Mob.' in a signature names a mobile number; a street called Mob does not make a phone of a date")
    func mobile() throws {
        #expect(try Self.values("Kind regards,\nAnna\nMob. 0116 4960128\n", "PHONE_NUMBER") == ["0116 4960128"])
        #expect(try Self.values("Mob. 19.02.2027", "PHONE_NUMBER").isEmpty)
    }

    @Test(
        "a driver's licence column named dl_number gives its cells their context; another column does not",
        arguments: [
            ("name,dl_number\nJohn Brooks,G7536631\nJulie Palmer,B905-5110-5530\n", ["G7536631", "B905-5110-5530"]),
            ("name,permit_number\nJohn Brooks,G7536631\n", []),
        ])
    func licenceColumn(text: String, expected: [String]) throws {
        #expect(try Self.values(text, "US_DRIVER_LICENSE") == expected, "\(text)")
    }
}
