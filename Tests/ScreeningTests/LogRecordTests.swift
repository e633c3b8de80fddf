import TestSupport
import Testing

@testable import Screening

/// Values in log lines and keyed records (issue 19): a `key=value` key is the one token before `=`, after a time
/// stamp too; words after a keyed value name the next key's value; "Last, First" at the end of a log line is two
/// names.
@Suite("Screening: values in log lines and keyed records")
struct LogRecordTests {
    static let screener = TableContextTests.screener

    static func values(_ text: String, _ entity: String) throws -> [String] {
        try screener.scan(text).filter { $0.entity == entity }.map(\.value)
    }

    static func key(_ text: String, before value: String) -> String? {
        var text = text
        let offset =
            text.utf8.count - text.split(separator: value, omittingEmptySubsequences: false).last!.utf8.count
            - value.utf8.count
        return text.withUTF8 { buffer in
            let bytes = UnsafeRawBufferPointer(buffer)
            return TableContext.key(before: offset, in: bytes).map {
                String(decoding: UnsafeRawBufferPointer(rebasing: bytes[$0]), as: UTF8.self)
            }
        }
    }

    @Test(
        "a key=value key is its one token, after a time stamp or other words; a form label may be several words",
        arguments: [
            ("2026-05-24T14:38:02 WARN lookup nhs_no.=9434765919", "9434765919", "nhs_no."),
            ("2026 lookup nhs_number = 9434765919", "9434765919", "nhs_number"),
            ("Date of birth: 1991-08-23", "1991-08-23", "Date of birth"),
            ("2026 Date of birth: 1991-08-23", "1991-08-23", "Date of birth"),
            ("- name: Anna", "Anna", "name"),
        ])
    func keys(text: String, value: String, key: String) {
        #expect(Self.key(text, before: value) == key, "\(text)")
    }

    @Test("a number after a digit-led word and `=` has no key", arguments: ["lookup 2026=9434765919", "#=9434765919"])
    func noKey(text: String) {
        #expect(Self.key(text, before: "9434765919") == nil, "\(text)")
    }

    @Test(
        "an identifier keyed in a log line after a time stamp is found by its key",
        arguments: [
            ("2026-04-27T10:16:38 ERROR lookup nhs_no.=941 869 7092 for Thomas", "UK_NHS", "941 869 7092"),
            ("2026-02-14 WARN lookup nhs_number=9434765919", "UK_NHS", "9434765919"),
        ])
    func keyedInLog(text: String, entity: String, value: String) throws {
        #expect(try Self.values(text, entity) == [value], "\(text)")
    }

    @Test("words after a keyed value name the next key's value, not this one")
    func nextKeysWords() throws {
        let record = #"{"dl_number": "188214369", "ssn": "893-63-3563"}"#
        #expect(try Self.values(record, "US_SSN") == ["893-63-3563"])
        #expect(try Self.values(record, "US_DRIVER_LICENSE") == ["188214369"])
        // Without a key of its own, a value still has the words after it ("call … (mobile)").
        #expect(try Self.values("the number 123456789 is my ssn", "US_SSN") == ["123456789"])
    }

    @Test(
        "\"Last, First\" at the end of a field is two names; a place or street before the comma is not",
        arguments: [
            ("2026-09-08 WARN lookup itin=906-79-8183 for Jones, Michael\n", ["Jones", "Michael"]),
            ("lookup sin=605 448 992 for Smith, Tom", ["Smith", "Tom"]),
            // "Springfield" is no surname; "Michael" before a verb is a name on its own (6ba71a1).
            ("rain again in Springfield, Michael said", ["Michael"]),
            ("pothole on Main Street, Michael\n", []),
        ])
    func invertedNames(text: String, expected: [String]) throws {
        #expect(try Self.values(text, "PERSON") == expected, "\(text)")
    }
}
