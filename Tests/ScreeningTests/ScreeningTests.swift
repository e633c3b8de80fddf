import Crypto
import Foundation
import TestSupport
import Testing

@testable import PromptGate
@testable import Screening

@Suite("Screening: guideline packs, validators and the rule engine")
struct ScreeningTests {
    static let packs: [GuidelinePack] = {
        do { return try PackLoader.loadDirectory(repositoryRoot + "/guidelines/packs") } catch {
            fatalError("the shipped packs must load: \(error)")
        }
    }()
    static let screener: Screener = {
        do { return try Screener(packs: packs) } catch { fatalError("the shipped packs must compile: \(error)") }
    }()

    static var allRules: [Rule] { packs.flatMap(\.rules) }

    @Test("every shipped rule finds its 'match' examples", arguments: allRules)
    func matchExamples(rule: Rule) throws {
        #expect(!rule.examples.match.isEmpty, "rule \(rule.id) has no examples")
        for example in rule.examples.match {
            let findings = try Self.screener.scan(example)
            #expect(
                findings.contains { $0.ruleID == rule.id },
                "\(rule.id) missed \(example.debugDescription); found \(findings.map(\.ruleID))")
        }
    }

    @Test("no shipped rule fires on its 'no_match' examples", arguments: allRules)
    func noMatchExamples(rule: Rule) throws {
        for example in rule.examples.noMatch {
            let findings = try Self.screener.scan(example)
            #expect(!findings.contains { $0.ruleID == rule.id }, "\(rule.id) fired on \(example.debugDescription)")
        }
    }

    @Test("the embedded packs and name lists are the files under guidelines/ (run scripts/embed-guidelines.py)")
    func embeddedUpToDate() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot + "/guidelines/packs")
            .filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(EmbeddedGuidelines.packs.map(\.name) == names)
        for (name, yaml) in EmbeddedGuidelines.packs {
            let onDisk = try String(contentsOfFile: repositoryRoot + "/guidelines/packs/" + name, encoding: .utf8)
            #expect(yaml == onDisk.trimmingSuffixNewlines(), "\(name) differs from its embedded copy")
        }
        #expect(try GuidelineLoader.embedded().map(\.contentHash) != [])
        let lists = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot + "/guidelines/gazetteers")
            .filter { $0.hasSuffix(".txt") }.sorted()
        #expect(EmbeddedGazetteers.files.map(\.name) == lists)
        for (name, text) in EmbeddedGazetteers.files {
            let onDisk = try String(contentsOfFile: repositoryRoot + "/guidelines/gazetteers/" + name, encoding: .utf8)
            #expect(text == onDisk.trimmingSuffixNewlines(), "\(name) differs from its embedded copy")
        }
    }

    @Test("SSN validator: published invalid ranges are refused")
    func ssnValidator() throws {
        let check = try #require(Validators.named("us-ssn"))
        for good in ["212-56-7890", "523-45-6781", "078-05-1120"] { #expect(check(good[...]), "\(good)") }
        for bad in [
            "000-12-3456", "666-12-3456", "900-12-3456", "999-12-3456", "123-00-4567", "123-45-0000", "12-345-678",
        ] {
            #expect(!check(bad[...]), "\(bad)")
        }
    }

    @Test("check-digit validators on published test numbers")
    func checkDigits() throws {
        let cases: [(String, [String], [String])] = [
            ("luhn", ["4111 1111 1111 1111", "79927398713"], ["4111 1111 1111 1112", "79927398710"]),
            (
                "payment-card", ["4111111111111111", "5555555555554444", "378282246310005", "6011111111111117"],
                ["4111111111111112", "1234567812345670"]
            ),
            ("email-address", ["maria@example.org", "a.b@city.example.gov"], ["report@2x.png", "icon@3x.svg"]),
            (
                "iban", ["GB82 WEST 1234 5698 7654 32", "NL91ABNA0417164300", "DE89370400440532013000"],
                ["GB82 WEST 1234 5698 7654 33", "NL91ABNA041716430"]
            ),
            ("nl-bsn", ["111222333", "123456782"], ["111222334", "000000000"]),
            ("uk-nhs", ["943 476 5919", "4010232137"], ["943 476 5918"]),
            ("es-dni", ["12345678Z", "X1234567L"], ["12345678A"]),
            ("ca-sin", ["130 692 544"], ["130 692 545", "046 454 286", "846 454 286"]),
            (
                "nanp-phone", ["(617) 555-0134", "+1 206 684 0000", "001-617-555-0134x12"],
                ["123-456-7890", "291-555-1234", "212-155-1234"]
            ),
            // Maestro and JCB's 15-digit range; a JCB prefix outside 3528–3589 is not a card.
            ("payment-card", ["6759649826438453", "180000000000002", "3530111333300000"], ["3506457111578964"]),
            // Steuer-ID examples from the Bundeszentralamt für Steuern documentation and python-stdnum.
            (
                "de-tax-id", ["86095742719", "47 036 892 816", "65929970489"],
                ["86095742718", "06095742719", "11111111110", "12345678903"]
            ),
            ("ca-ohip", ["1234-567-897", "9876543217"], ["1234-567-890", "123456789"]),
            (
                "ipv4", ["203.0.113.45", "10.0.0.1", "0.0.0.0", "255.255.255.255", "1.20.199.9"],
                [
                    "256.1.1.1", "1.2.3", "01.2.3.4", "1.2.3.4.5", "1..2.3", "1.2.3.", ".1.2.3", "1234.1.1.1",
                    "1.2.3.00",
                    "1.2.3.a", "", "...",
                ]
            ),
            (
                "ipv6", ["2001:db8::1", "fe80::1ff:fe23:4567:890a", "::1"],
                ["2001:db8::g", "10:30:45", "1:2:3:4:5:6:7:8:9"]
            ),
            (
                "date", ["03/14/1987", "1985-03-15", "15 de marzo de 1956", "25.01.1939", "July 4, 1990"],
                ["45/13/1987", "02/03/1850", "12 Smarch 1990", "2099-01-01"]
            ),
            (
                "phone-national", ["0391-500080", "020 7946 0958", "942 36 08 37"],
                ["00 12 34 56 78", "0391", "512345678901234"]
            ),
        ]
        for (name, good, bad) in cases {
            let check = try #require(Validators.named(name))
            for value in good { #expect(check(value[...]), "\(name) should accept \(value)") }
            for value in bad { #expect(!check(value[...]), "\(name) should refuse \(value)") }
        }
    }

    @Test("offsets are UTF-8 byte offsets, also after non-ASCII text")
    func offsets() throws {
        let text = "Zoë näher 東京: jane.doe@example.org 😀"
        let findings = try Self.screener.scan(text)
        let email = try #require(findings.first { $0.entity == "EMAIL_ADDRESS" })
        let bytes = Array(text.utf8)
        #expect(String(decoding: bytes[email.start..<email.end], as: UTF8.self) == "jane.doe@example.org")
        #expect(email.value == "jane.doe@example.org")
    }

    @Test("invalid UTF-8 and NUL bytes are scanned, not refused")
    func rawBytes() throws {
        var bytes: [UInt8] = [0xFF, 0xFE, 0x00]
        bytes += Array("call 408-535-2107".utf8) + [0xC3, 0x00, 0x80]
        let findings = try bytes.withUnsafeBytes { try Self.screener.scan(bytes: $0) }
        #expect(findings.map(\.entity) == ["PHONE_NUMBER"])
        #expect(findings.first?.start == 8)
    }

    @Test("a 10 MB input is screened in one pass and every planted value is found")
    func tenMegabytes() throws {
        var text = ""
        let filler = String(
            repeating: "The permit office reviewed the case file and scheduled an inspection. ", count: 15)
        var planted = 0
        while text.utf8.count < 10_000_000 {
            text += filler
            text += " resident\(planted)@example.org "
            planted += 1
        }
        let findings = try Self.screener.scan(text)
        #expect(findings.filter { $0.entity == "EMAIL_ADDRESS" }.count == planted)
    }

    @Test("overlapping findings: the longest wins, then the higher priority")
    func overlaps() throws {
        let yaml = """
            pack: overlap-test
            title: overlap test
            version: "1"
            rules:
              - {id: short-high, title: t, category: personal-data, entity: A, patterns: ['\\d{3}'], action: redact, priority: 90, message: m, source: {title: s, url: u}}
              - {id: long-low, title: t, category: personal-data, entity: B, patterns: ['\\d{3}-\\d{4}'], action: redact, priority: 1, message: m, source: {title: s, url: u}}
              - {id: same-low, title: t, category: personal-data, entity: C, patterns: ['x\\d'], action: redact, priority: 1, message: m, source: {title: s, url: u}}
              - {id: same-high, title: t, category: personal-data, entity: D, patterns: ['x\\d'], action: redact, priority: 5, message: m, source: {title: s, url: u}}
            """
        let screener = try Screener(packs: [try PackLoader.load(bytes: Array(yaml.utf8), origin: "inline")])
        let findings = try screener.scan("tel 555-0134 and x7")
        #expect(findings.map(\.ruleID) == ["long-low", "same-high"])
    }

    @Test("a pattern that needs backtracking is refused at load, naming its rule and file")
    func pathologicalPattern() throws {
        let yaml = """
            pack: bad
            title: bad
            version: "1"
            rules:
              - id: backref
                title: t
                category: personal-data
                entity: X
                patterns: ['(a+)\\1']
                action: redact
                message: m
                source: {title: s, url: u}
            """
        do {
            _ = try Screener(packs: [try PackLoader.load(bytes: Array(yaml.utf8), origin: "bad.yaml")])
            Issue.record("a backreference was accepted")
        } catch {
            #expect(error.description.contains("bad.yaml:5"), "\(error)")
            #expect(error.description.contains("backref"))
        }
    }

    @Test("a catastrophic-backtracking pattern runs in linear time")
    func noCatastrophicBacktracking() throws {
        let yaml = """
            pack: redos
            title: t
            version: "1"
            rules:
              - {id: redos, title: t, category: personal-data, entity: X, patterns: ['(a+)+$'], action: warn, message: m, source: {title: s, url: u}}
            """
        let screener = try Screener(packs: [try PackLoader.load(bytes: Array(yaml.utf8), origin: "inline")])
        // A backtracking engine takes seconds on 30 a's and never finishes on 5,000; Vectorscan answers at once.
        let findings = try screener.scan(String(repeating: "a", count: 5000) + "b")
        #expect(findings.isEmpty)
    }

    @Test(
        "broken packs are refused with file, line and a message a rule author understands",
        arguments: [
            ("pack: p\ntitle: t\nversion: 1\nrules:\n  - id: [unclosed\n", "broken.yaml:6", "invalid YAML"),
            (
                "pack: p\ntitle: t\nversion: 1\nrules:\n  - id: r\n    title: t\n    category: personal-data\n    entity: E\n    patterns: ['a']\n    validator: mod-42\n    action: redact\n    message: m\n    source: {title: s, url: u}\n",
                "broken.yaml:10", "unknown validator 'mod-42'"
            ),
            (
                "pack: p\ntitle: t\nversion: 1\nrules:\n  - id: r\n    title: t\n    category: gossip\n",
                "broken.yaml:7", "unknown category"
            ),
            (
                "pack: p\ntitle: t\nversion: 1\nrules:\n  - id: r\n    titel: t\n", "broken.yaml:6",
                "unknown key 'titel'"
            ),
            (
                "pack: p\ntitle: t\nversion: 1\nrules:\n  - id: r\n    title: t\n    category: personal-data\n    entity: E\n    patterns: ['a']\n    action: redact\n    message: m\n",
                "broken.yaml:5", "must cite its 'source'"
            ),
        ])
    func brokenPacks(yaml: String, place: String, message: String) {
        do {
            _ = try PackLoader.load(bytes: Array(yaml.utf8), origin: "broken.yaml")
            Issue.record("accepted a broken pack")
        } catch {
            #expect(error.description.hasPrefix(place), "\(error)")
            #expect(error.description.contains(message), "\(error)")
        }
    }

    @Test("the redactor replaces only redact findings and keeps the rest of the text")
    func redaction() throws {
        let text = "Mail maria@example.org or maria@example.org, SSN 212-56-7890."
        let findings = try Self.screener.scan(text)
        var vault = PlaceholderVault()
        let redaction = Redactor.redact(text, findings: findings, vault: &vault)
        #expect(redaction.text == "Mail [EMAIL_ADDRESS_1] or [EMAIL_ADDRESS_1], SSN [US_SSN_1].")
        #expect(vault.restore(redaction.text) == text)
    }
}

@Suite("Screening: names, context, redaction styles and rule checks")
struct ScreeningEngineTests {
    static var screener: Screener { ScreeningTests.screener }

    func names(_ text: String) throws -> [String] {
        let bytes = Array(text.utf8)
        return try Self.screener.scan(text).filter { $0.entity == "PERSON" }.map {
            String(decoding: bytes[$0.start..<$0.end], as: UTF8.self)
        }
    }

    @Test(
        "person names: gazetteer, titles, greetings, role words, particles; offices and streets are not people",
        arguments: [
            ("Resident Maria Gonzalez called", ["Maria Gonzalez"]),
            ("Dear Mr. O'Neil, thank you", ["O'Neil"]),
            ("Sra. García y dhr. van der Berg", ["García", "van der Berg"]),
            ("gesprek met dhr. J. de Vries en mw. Jansen", ["J. de Vries", "Jansen"]),
            ("Dr. A. Smith called; ask Dr. J. about it", ["A. Smith"]),
            ("please reply to Natasha about the fee", ["Natasha"]),
            ("Hi Karlijn, thanks", ["Karlijn"]),
            ("Storing 123: Casper van Clootwijck kan niet inloggen", ["Casper van Clootwijck"]),
            ("applicant Arthur Hall was present", ["Arthur Hall"]),
            ("John F. Kennedy and Mary Ann Smith's case", ["John F. Kennedy", "Mary Ann Smith"]),
            ("The Parks Department Budget Office met on Monday.", []),
            ("Jordan Street is closed; the Town Hall opens at 9.", []),
            ("City of San José Generative AI Guidelines", []),
            ("In Python, set the base URL. May Council Meeting.", []),
        ])
    func personNames(text: String, expected: [String]) throws {
        #expect(try names(text) == expected)
    }

    @Test("a name's offsets are UTF-8 byte offsets after non-ASCII text")
    func nameOffsets() throws {
        let text = "Zoë näher 東京 — Herr Müller hat angerufen"
        #expect(try names(text) == ["Müller"])
    }

    @Test("negative context words make look-alikes; positive words raise confidence")
    func context() throws {
        #expect(try Self.screener.scan("order 617-555-0134 shipped").isEmpty)
        #expect(try Self.screener.scan("upgrade to version 10.2.3.4 tonight").isEmpty)
        let phone = try #require(try Self.screener.scan("call me at 617-555-0134").first)
        #expect(phone.entity == "PHONE_NUMBER")
        let withWord = try #require(try Self.screener.scan("SSN: 212567890").first)
        #expect(withWord.reason.contains("near the word 'ssn'") && withWord.confidence > 0.95)
        #expect(try Self.screener.scan("invoice 212567890 is overdue").isEmpty)
    }

    @Test("allow-lists: a number is the same number with other separators, dotted values only as written")
    func allowLists() throws {
        #expect(try Self.screener.scan("call 311 or 911").isEmpty)
        #expect(try Self.screener.scan("listen on 127.0.0.1:8787").isEmpty)
        #expect(try Self.screener.scan("from 12.70.0.1 at noon").map(\.entity) == ["IP_ADDRESS"])
    }

    @Test("redaction styles: placeholder, mask, keyed pseudonym and removal")
    func redactionStyles() throws {
        let yaml = """
            pack: styles
            title: t
            version: "1"
            rules:
              - {id: p, title: t, category: personal-data, entity: A, patterns: ['a\\d+'], action: redact, message: m, source: {title: s, url: u}}
              - {id: m, title: t, category: personal-data, entity: B, patterns: ['\\d{3}-\\d{2}-\\d{4}'], action: redact, redaction: mask, message: m, source: {title: s, url: u}}
              - {id: k, title: t, category: personal-data, entity: C, patterns: ['c\\d+'], action: redact, redaction: pseudonym, message: m, source: {title: s, url: u}}
              - {id: r, title: t, category: personal-data, entity: D, patterns: ['d\\d+'], action: redact, redaction: remove, message: m, source: {title: s, url: u}}
            """
        let screener = try Screener(packs: [try PackLoader.load(bytes: Array(yaml.utf8), origin: "inline")])
        let text = "a1 212-56-7890 c7 d9."
        let key = SymmetricKey(size: .bits256)
        var vault = PlaceholderVault(pseudonymKey: key)
        let redacted = Redactor.redact(text, findings: try screener.scan(text), vault: &vault).text
        let pseudonym = try #require(redacted.split(separator: " ").dropFirst(2).first)
        #expect(redacted == "[A_1] ***-**-7890 \(pseudonym) .")
        #expect(
            pseudonym.hasPrefix("[C_") && pseudonym.count == "[C_".count + 16 + 1 && pseudonym.uppercased() == pseudonym
        )
        // The same value gets the same pseudonym in another request with the same key, and it is restored.
        var other = PlaceholderVault(pseudonymKey: key)
        #expect(Redactor.redact("c7", findings: try screener.scan("c7"), vault: &other).text == String(pseudonym))
        #expect(vault.restore("answer for \(pseudonym)") == "answer for c7")
        // Without a key a pseudonym rule falls back to a numbered placeholder.
        var keyless = PlaceholderVault()
        #expect(Redactor.redact("c7", findings: try screener.scan("c7"), vault: &keyless).text == "[C_1]")
        #expect(Redactor.mask("maria@example.org") == "*****@******e.org")
    }

    @Test("every example of every shipped rule passes through the whole engine (promptgate rules test)")
    func examples() throws {
        let (checked, failures) = try Self.screener.checkExamples()
        #expect(checked > 150)
        #expect(failures.isEmpty, "\(failures)")
    }

    @Test("a broken example is reported with the rule's file and line")
    func brokenExample() throws {
        let yaml = """
            pack: p
            title: t
            version: "1"
            rules:
              - id: digits
                title: t
                category: personal-data
                entity: X
                patterns: ['\\d{4}']
                action: redact
                message: m
                source: {title: s, url: u}
                examples: {match: ["no digits here"], no_match: ["1234"]}
            """
        let screener = try Screener(packs: [try PackLoader.load(bytes: Array(yaml.utf8), origin: "p.yaml")])
        let failures = try screener.checkExamples().failures
        #expect(
            failures.map(\.description) == [
                "p.yaml:5: rule 'digits' does not find its match example \"no digits here\" (found: nothing)",
                "p.yaml:5: rule 'digits' fires on its no_match example \"1234\"",
            ])
    }

    @Test("the matching library passes its known-answer self-test (Vectorscan 5.4.9 does not)")
    func engineSelfTest() {
        #expect(PatternDatabase.engineProblem == nil, "\(PatternDatabase.engineProblem ?? "")")
    }

    @Test("matches longer than the start-tracking window and patterns of fixed width keep exact offsets")
    func offsetsAcrossPasses() throws {
        let long = "x" + String(repeating: "a", count: 400) + "@example.org is long"
        let email = try #require(try Self.screener.scan(long).first { $0.entity == "EMAIL_ADDRESS" })
        // An e-mail address longer than the window is found whole: the window reaches back until the match
        // starts inside it (it used to be cut at the window, leaving the address's head in the text).
        #expect(email.end == long.utf8.count - " is long".utf8.count)
        #expect(email.start == 0)
        // And far longer: a 5,000-byte address, with text before it, is one finding from its first byte.
        let longer = "mail " + String(repeating: "b", count: 5_000) + "@example.org now"
        let whole = try #require(try Self.screener.scan(longer).first { $0.entity == "EMAIL_ADDRESS" })
        #expect((whole.start, whole.end) == (5, longer.utf8.count - " now".utf8.count))
        let ssn = try #require(try Self.screener.scan("a 212-56-7890 b").first)
        #expect((ssn.start, ssn.end) == (2, 13))
    }
}

extension String {
    fileprivate func trimmingSuffixNewlines() -> String {
        var s = self
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }
}
