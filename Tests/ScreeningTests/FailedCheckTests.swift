import Foundation
import Testing

@testable import Screening

/// ITINs, and what a rule makes of a candidate that fails its check (`when_check_fails`).
@Suite("Failed checks: ITINs, and SSN-shaped numbers that fail the SSN check")
struct FailedCheckTests {
    static var screener: Screener { ScreeningTests.screener }

    /// The findings of `text` as (rule, entity, the text found).
    static func found(_ text: String) throws -> [(rule: String, entity: String, value: String)] {
        let bytes = Array(text.utf8)
        return try screener.scan(text).map {
            ($0.ruleID, $0.entity, String(decoding: bytes[$0.start..<$0.end], as: UTF8.self))
        }
    }

    @Test(
        "a valid ITIN is found as US_ITIN, whole, in every format",
        arguments: [
            ("ITIN 912-78-1234 on the W-7", "912-78-1234", "us-itin"),
            ("taxpayer 934 50 0001 filed", "934 50 0001", "us-itin"),
            ("ITIN 987.65.4321", "987.65.4321", "us-itin"),
            ("group 70: 900-70-0000", "900-70-0000", "us-itin"),
            ("group 88: 999-88-9999", "999-88-9999", "us-itin"),
            ("group 90: 911-90-1234", "911-90-1234", "us-itin"),
            ("group 92: 911-92-1234", "911-92-1234", "us-itin"),
            ("group 94: 911-94-1234", "911-94-1234", "us-itin"),
            ("group 99: 911-99-1234", "911-99-1234", "us-itin"),
            ("ITIN: 912781234", "912781234", "us-itin-unformatted"),
            ("her individual taxpayer identification number is 950651234", "950651234", "us-itin-unformatted"),
            ("TIN 965551234 on the return", "965551234", "us-itin-unformatted"),
        ])
    func validITIN(text: String, value: String, rule: String) throws {
        let found = try Self.found(text)
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.rule == rule, "\(found)")
        #expect(found.first?.entity == "US_ITIN", "\(found)")
        #expect(found.first?.value == value, "\(found)")
    }

    @Test("the ITIN check takes exactly the IRS's groups 50–65, 70–88, 90–92, 94–99 after a leading 9")
    func itinValidator() throws {
        let check = try #require(Validators.named("us-itin"))
        let issued = Set(Array(50...65) + Array(70...88) + Array(90...92) + Array(94...99))
        for group in 0...99 {
            let number = "912-" + (group < 10 ? "0" : "") + "\(group)-3456"
            #expect(check(number[...]) == issued.contains(group), "\(number)")
        }
        for bad in ["812-78-1234", "012-78-1234", "912-78-123", "9127812345"] { #expect(!check(bad[...]), "\(bad)") }
    }

    @Test(
        "a 9xx number outside the ITIN groups is no ITIN (formatted: us-ssn still keeps it; unformatted: nothing)",
        arguments: [
            ("case 912-43-4567", "912-43-4567"),
            ("ATIN 912-93-4567", "912-93-4567"),
            ("group 89 912-89-1234", "912-89-1234"),
            ("group 66 912 66 1234", "912 66 1234"),
            ("group 49 912.49.1234", "912.49.1234"),
        ])
    func notITIN(text: String, value: String) throws {
        let found = try Self.found(text)
        #expect(!found.contains { $0.entity == "US_ITIN" }, "\(found)")
        #expect(found.map(\.rule) == ["us-ssn"] && found.first?.value == value, "\(found)")
    }

    @Test("an unformatted 9-digit number with a 9 but an unissued group is nothing, even next to 'ITIN'")
    func unformattedNotITIN() throws {
        for text in ["ITIN 912431234", "ITIN 912931234", "taxpayer 912891234"] {
            #expect(try Self.found(text).isEmpty, "\(text)")
        }
    }

    @Test(
        "a formatted SSN-shaped number that fails the SSN check is still redacted, less sure, with the reason",
        arguments: [
            "case 000-12-3456 is invalid", "area 666-12-3456", "group 123-00-4567", "serial 123-45-0000",
            "the number 912-34-5678", "dotted 000.12.3456", "spaced 666 12 3456",
        ])
    func failedSSNKept(text: String) throws {
        let findings = try Self.screener.scan(text)
        let finding = try #require(findings.first, "nothing found in \(text)")
        #expect(findings.count == 1)
        #expect(finding.ruleID == "us-ssn" && finding.entity == "US_SSN" && finding.action == .redact)
        #expect(finding.confidence < 0.95)
        #expect(finding.reason.contains("fails the us-ssn check but is kept"), "\(finding.reason)")
        var vault = PlaceholderVault()
        #expect(!Redactor.redact(text, findings: findings, vault: &vault).text.contains(finding.value))
    }

    @Test("a valid SSN, dotted or not, still passes with full confidence and no 'kept' reason")
    func validSSN() throws {
        for text in ["SSN 212-56-7890", "SSN 514.27.6083", "SSN 523 45 6781"] {
            let finding = try #require(try Self.screener.scan(text).first, "\(text)")
            #expect(finding.ruleID == "us-ssn" && finding.confidence == 0.95, "\(text)")
            #expect(!finding.reason.contains("kept"), "\(finding.reason)")
        }
    }

    @Test("us-ssn-unformatted has no when_check_fails: an unformatted number that fails the check is dropped")
    func unformattedFailedDropped() throws {
        for text in ["SSN: 000123456", "SSN: 666123456", "SSN: 123004567", "social security 912345678"] {
            #expect(try Self.found(text).isEmpty, "\(text)")
        }
        #expect(try Self.found("SSN: 212567890").map(\.rule) == ["us-ssn-unformatted"])
    }

    static func pack(_ extra: String, validator: String = "us-ssn") -> String {
        """
        pack: p
        title: t
        version: "1"
        rules:
          - id: r
            title: t
            category: personal-data
            entity: US_SSN
            patterns: ['\\b\\d{3}-\\d{2}-\\d{4}\\b']
            validator: \(validator)
        \(extra)
            action: redact
            message: m
            source: {title: s, url: u}
        """
    }

    @Test("without the field a rule drops failed candidates (not-this-type); the allow-list still applies when kept")
    func defaultsAndAllowList() throws {
        let text = "case 000-12-3456"
        for (extra, expected) in [
            ("", 0), ("    when_check_fails: not-this-type", 0),
            ("    when_check_fails: still-personal-data", 1),
            ("    when_check_fails: still-personal-data\n    allow: ['000-12-3456']", 0),
        ] {
            let rules = try PackLoader.load(bytes: Array(Self.pack(extra).utf8), origin: "p.yaml")
            #expect(try Screener(packs: [rules]).scan(text).count == expected, "\(extra)")
        }
    }

    @Test(
        "a bad when_check_fails is refused at its file and line",
        arguments: [
            (
                pack("    when_check_fails: keep-it"), "bad.yaml:11",
                "'when_check_fails' is 'keep-it' (expected one of: not-this-type, still-personal-data)"
            ),
            (pack("    when_check_fails: [still-personal-data]"), "bad.yaml:11", "'when_check_fails' is not text"),
            (
                pack("    when_check_fails: still-personal-data", validator: "person-name"), "bad.yaml:11",
                "needs a 'validator' with a check"
            ),
            (
                pack("").replacingOccurrences(of: "validator: us-ssn", with: "when_check_fails: still-personal-data"),
                "bad.yaml:10", "needs a 'validator'"
            ),
        ])
    func badValue(yaml: String, place: String, message: String) {
        Self.expectRefused(yaml, at: place, saying: message)
    }

    /// `yaml`, a pack whose rule `r` is wrong, is refused with an error that starts at `place` and says `message`.
    static func expectRefused(_ yaml: String, at place: String, saying message: String) {
        do {
            _ = try PackLoader.load(bytes: Array(yaml.utf8), origin: "bad.yaml")
            Issue.record("accepted \(yaml)")
        } catch {
            #expect(error.description.hasPrefix(place + ":"), "\(error)")
            #expect(error.description.contains("rule 'r'") && error.description.contains(message), "\(error)")
        }
    }
}
