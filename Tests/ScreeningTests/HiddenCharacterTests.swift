import Foundation
import Testing

@testable import Screening

/// Characters that show as nothing cannot hide a value from the screener, and the redaction replaces them too.
@Suite("Screening: zero-width, control and format characters inside a value")
struct HiddenCharacterTests {
    static let screener = ScreeningTests.screener

    static let hiders: [(name: String, character: String)] = [
        ("zero-width space", "\u{200B}"), ("zero-width joiner", "\u{200D}"), ("word joiner", "\u{2060}"),
        ("soft hyphen", "\u{00AD}"), ("NUL", "\u{0}"), ("escape", "\u{1B}"), ("BOM", "\u{FEFF}"),
        ("right-to-left mark", "\u{200F}"), ("C1 control", "\u{0085}"), ("tag space", "\u{E0020}"),
    ]

    @Test(
        "an SSN, an e-mail address and a card number with a hidden character inside are found and wholly redacted",
        arguments: hiders.map(\.character))
    func hiddenInside(_ hider: String) throws {
        for (value, entity) in [
            ("212-56\(hider)-7890", "US_SSN"), ("maria.gon\(hider)zalez@example.org", "EMAIL_ADDRESS"),
            ("4111 1111\(hider) 1111 1111", "CREDIT_CARD"),
        ] {
            let text = "Case: \(value) today."
            let finding = try #require(
                try Self.screener.scan(text).first { $0.entity == entity },
                "\(entity) with U+\(hider.unicodeScalars.first!.value) not found")
            let bytes = Array(text.utf8)
            #expect(String(decoding: bytes[finding.start..<finding.end], as: UTF8.self) == value)
            var vault = PlaceholderVault()
            let redacted = Redactor.redact(text, findings: [finding], vault: &vault).text
            #expect(!redacted.contains(hider), "the hidden character stayed behind")
            #expect(redacted.hasPrefix("Case: [") && redacted.hasSuffix("] today."), "\(redacted)")
        }
    }

    @Test("offsets after a hidden character elsewhere in the text still point at the original bytes")
    func offsetsAfterHidden() throws {
        let text = "\u{200B}\u{0}é héllo jane@example.org"
        let finding = try #require(try Self.screener.scan(text).first { $0.entity == "EMAIL_ADDRESS" })
        #expect(String(decoding: Array(text.utf8)[finding.start..<finding.end], as: UTF8.self) == "jane@example.org")
    }

    @Test("plain text and text with tabs and line breaks is scanned as it is")
    func plainUnchanged() {
        #expect(ScreeningView("a\tb\nc\r\n") == nil)
        #expect(ScreeningView("héllo wörld") == nil)
        #expect(ScreeningView("a\u{200B}b")?.bytes == Array("ab".utf8))
    }
}

/// Values written in other digits, compatibility forms or encodings read as what they encode.
@Suite("Screening: other digits, full-width forms, percent-encoding and HTML references")
struct NormalisedViewTests {
    @Test(
        "each form of an SSN and an e-mail address is found, and its whole original span replaced",
        arguments: [
            ("SSN ٢١٢-٥٦-٧٨٩٠ here", "٢١٢-٥٦-٧٨٩٠", "US_SSN"),
            ("SSN ２１２－５６－７８９０ here", "２１２－５６－７８９０", "US_SSN"),
            ("mail maria.gonzalez＠example.org now", "maria.gonzalez＠example.org", "EMAIL_ADDRESS"),
            ("link ?to=maria.gonzalez%40example.org&x=1", "maria.gonzalez%40example.org", "EMAIL_ADDRESS"),
            ("html maria.gonzalez&#64;example.org.", "maria.gonzalez&#64;example.org", "EMAIL_ADDRESS"),
            (
                "html maria.gonzalez&#x40;example&period;org ok", "maria.gonzalez&#x40;example&period;org",
                "EMAIL_ADDRESS"
            ),
            ("named maria.gonzalez&commat;example.org ok", "maria.gonzalez&commat;example.org", "EMAIL_ADDRESS"),
            (
                "cyrillic m\u{430}ria.g\u{43E}nzalez@ex\u{430}mple.org now",
                "m\u{430}ria.g\u{43E}nzalez@ex\u{430}mple.org", "EMAIL_ADDRESS"
            ),
        ])
    func forms(_ text: String, _ written: String, _ entity: String) throws {
        let finding = try #require(
            try ScreeningTests.screener.scan(text).first { $0.entity == entity }, "nothing found in \(text)")
        #expect(String(decoding: Array(text.utf8)[finding.start..<finding.end], as: UTF8.self) == written)
    }

    @Test(
        "text that reads as written is not copied",
        arguments: [
            "plain ascii", "héllo wörld Ærø", "50 percent", "a & b", "Москва и Санкт-Петербург", "Αθήνα",
        ])
    func unchanged(_ text: String) {
        #expect(ScreeningView(text) == nil)
    }
}
