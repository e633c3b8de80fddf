import TestSupport
import Testing

@testable import Screening

/// Where context keeps a look-alike out: dates with no birth word, version and build numbers shaped like IPv4
/// addresses, and streets named like people at a corner.
@Suite("Screening: dates of birth, version numbers and street corners")
struct PrecisionContextTests {
    static let screener = TableContextTests.screener

    static func values(_ text: String, _ entity: String) throws -> [String] {
        try screener.scan(text).filter { $0.entity == entity }.map(\.value)
    }

    @Test(
        "a date is a date of birth only next to a birth word, and the word belongs to the nearest date",
        arguments: [
            ("DOB: 03/14/1987, lives alone", ["03/14/1987"]),
            ("born 1939-09-01, missed the appointment on 03/26/2024", ["1939-09-01"]),
            ("seen on 03/26/2024 (born 1939-09-01)", ["1939-09-01"]),
            ("the meeting on 03/14/2024 was moved", []),
            ("invoice dated 2023-02-11, due 2023-03-11", []),
            ("geboren op 1979-01-26 te Utrecht", ["1979-01-26"]),
            ("fecha de nacimiento: 15 de marzo de 1956", ["15 de marzo de 1956"]),
        ])
    func birthDates(text: String, expected: [String]) throws {
        #expect(try Self.values(text, "DATE_OF_BIRTH") == expected)
    }

    @Test(
        "a four-part number right after a version word is not an IP address, whatever else is near",
        arguments: [
            "upgraded from version 10.2.3.4",
            "installed v 4.10.2.1 on the client",
            "from build 10.2.3.4",
            "firmware: 3.1.4.1",
            "reference 3.18.27.26: call back",
            "versione 1.2.3.4",
        ])
    func versions(text: String) throws {
        #expect(try Self.values(text, "IP_ADDRESS").isEmpty, "\(text)")
    }

    @Test(
        "addresses are still found, also after words that name them and in a column",
        arguments: [
            ("login from 192.168.1.20 failed", "192.168.1.20"),
            ("the complaint came from 203.0.113.45 at 10:02", "203.0.113.45"),
            ("host,version\n203.0.113.45,1.2.3.4\n", "203.0.113.45"),
        ])
    func addresses(text: String, address: String) throws {
        #expect(try Self.values(text, "IP_ADDRESS") == [address])
    }

    @Test("a column headed version holds versions")
    func versionColumn() throws {
        #expect(try Self.values("host,version\n203.0.113.45,10.2.3.4\n", "IP_ADDRESS") == ["203.0.113.45"])
    }

    @Test(
        "street corners and intersections are places, not people",
        arguments: [
            "The light at the corner of Washington and Elizabeth is out",
            "a pothole at the intersection of Jefferson and Madison",
            "cars park on Madison and Jefferson streets all day",
            "Unfall an der Ecke Friedrich und Wilhelm",
        ])
    func corners(text: String) throws {
        let names = try Self.values(text, "PERSON")
        #expect(names.isEmpty, "\(names)")
    }

    @Test("names next to the same words are still names")
    func namesStayNames() throws {
        #expect(try Self.values("Maria Garcia and James Smith called", "PERSON") == ["Maria Garcia", "James Smith"])
        #expect(try Self.values("the office of Maria Garcia", "PERSON") == ["Maria Garcia"])
    }
}
