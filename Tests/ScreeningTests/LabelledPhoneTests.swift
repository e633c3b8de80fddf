import TestSupport
import Testing

@testable import Screening

/// Phone numbers named by their label, and columns of tables without a header that name their values by their
/// shape (issue 19): a number under "phone" is one even when its range is not issued; a column of national numbers,
/// of US passport numbers or of US driver's licence numbers names the cell it holds, and a column of look-alikes,
/// two rows or prose do not.
@Suite("Screening: labelled phone numbers and header-less identifier columns")
struct LabelledPhoneTests {
    static let screener = TableContextTests.screener

    static func values(_ text: String, _ entity: String) throws -> [String] {
        try screener.scan(text).filter { $0.entity == entity }.map(\.value)
    }

    @Test(
        "a number in a phone's shape under a phone label is a phone number, issued range or not",
        arguments: [
            ("phone: (757) 106-9104", "(757) 106-9104"),
            ("name,phone\nAnna Smith,139.374.1899\nBob Lee,(244) 183-5536\n", "139.374.1899"),
            (#"{"telefone": "14 9549-4052", "cpf": "x"}"#, "14 9549-4052"),
            ("Telefon: (08483) 958546\n", "(08483) 958546"),
            ("telefono: 3471234567", "3471234567"),
        ])
    func labelled(text: String, number: String) throws {
        #expect(try Self.values(text, "PHONE_NUMBER").contains(number), "\(text)")
    }

    @Test(
        "without a phone label, or when the value is a date, an address, a version, an amount or an order, it is not",
        arguments: [
            "call (757) 106-9104 tomorrow", "ticket 123-456-7890", "phone: 2024-06-15", "Telefon: 15.06.2024",
            "phone 10.127.253.162", "phone: 0000 123 456", "phone app version 1.22.333.4444",
            "phone: order 123-4567-890", "phone bill: 1234567.89", "name,phone,order_no\nAnna Smith,x,123-4567-890\n",
        ])
    func notLabelled(text: String) throws {
        #expect(try Self.values(text, "PHONE_NUMBER").isEmpty, "\(text)")
    }

    @Test("the check refuses dates written with dashes and numbers no plan has")
    func possibleCheck() {
        #expect(Validators.phonePossible("(757) 106-9104"))
        #expect(Validators.phonePossible("14 9549-4052"))
        #expect(!Validators.phonePossible("2024-06-15"))
        #expect(!Validators.phonePossible("15-06-2024"))
        #expect(!Validators.phonePossible("0000 123 456"))
        #expect(!Validators.phonePossible("192.168.127.29"))
        #expect(!Validators.phonePossible("12345"))
        #expect(Validators.isDashedDate("2024-6-15"))
        #expect(!Validators.isDashedDate("2024-13-45"))
        #expect(!Validators.isDashedDate("0391-500080"))
    }

    @Test(
        "in a table without a header, a column of national numbers names the ones in use as phones",
        arguments: [
            ("Anna Petit,#2950,01 42 68 53 00\nLuc Martin,3645677,04 91 55 20 11\nEva Roux,#2952,05 56 00 66 00\n", 3),
            // Nine digits without a trunk 0 (order numbers, Spanish numbers) are no column of national numbers.
            ("Anna,Smith,612345678\nBob,Lee,698765432\nCy,Ng,655443322\n", 0),
            // Two rows are not a column; in prose they are no cells.
            ("Anna Petit,#2950,01 42 68 53 00\nLuc Martin,#2951,04 91 55 20 11\n", 0),
            ("We dialled 01 42 68 53 00, 04 91 55 20 11 and 05 56 00 66 00.", 0),
        ])
    func phoneColumns(text: String, count: Int) throws {
        #expect(try Self.values(text, "PHONE_NUMBER").count == count, "\(text)")
    }

    @Test(
        "in a table without a header, a column of US passport or licence shapes beside names names itself",
        arguments: [
            ("Rich,Jennifer,W59819768\nLee,Cameron,V01743081\nCantrell,Sarah,922693766\n", 3, 0),
            ("Rich,Jennifer,115811648\nLee,Cameron,F293-258-71-134-4\nHill,Chris,T7703270\n", 0, 3),
            ("Rich,Jennifer,A123-4567-8901\nLee,Cameron,S5318191\nHill,Chris,N0979999\n", 0, 3),
            // Nine digits alone say neither; shapes of both kinds in one column say neither.
            ("Rich,Jennifer,115811648\nLee,Cameron,345690414\nHill,Chris,894902431\n", 0, 0),
            ("Rich,Jennifer,W59819768\nLee,Cameron,T7703270\nHill,Chris,922693766\n", 0, 0),
            // Rows of numbers only (no name beside them), two rows, and prose are no such column.
            ("2024,A12345678,5\n2025,B23456789,6\n2026,C34567890,7\n", 0, 0),
            ("Rich,Jennifer,W59819768\nLee,Cameron,V01743081\n", 0, 0),
            ("Numbers W59819768, V01743081 and L79883496 were read.", 0, 0),
        ])
    func identifierColumns(text: String, passports: Int, licences: Int) throws {
        #expect(try Self.values(text, "US_PASSPORT").count == passports, "\(text)")
        #expect(try Self.values(text, "US_DRIVER_LICENSE").count == licences, "\(text)")
    }
}
