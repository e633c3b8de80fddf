import Foundation
import Testing

@testable import AuditLog
@testable import JSONCore
@testable import PromptGate

@Suite("TerminalText: untrusted log text cannot end lines, forge entries or command the terminal")
struct TerminalTextTests {
    @Test("line breaks, C0, DEL and C1 controls are shown as escapes")
    func controls() {
        #expect(TerminalText.escaped("a\nb\rc\td") == #"a\nb\rc\td"#)
        #expect(TerminalText.escaped("\u{1B}[2J\u{1B}]0;owned\u{07}") == #"\u{1B}[2J\u{1B}]0;owned\u{07}"#)
        #expect(TerminalText.escaped("\u{0}\u{7F}\u{85}\u{9B}31m") == #"\u{00}\u{7F}\u{85}\u{9B}31m"#)
    }

    @Test("line and paragraph separators, bidi overrides and isolates and other format characters are escaped")
    func invisibles() {
        #expect(TerminalText.escaped("a\u{2028}b\u{2029}c") == #"a\u{2028}b\u{2029}c"#)
        for bidi in [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069] as [UInt32] {
            let scalar = Unicode.Scalar(bidi) ?? "?"
            #expect(TerminalText.escaped("x\(scalar)y") == "x\\u{\(String(bidi, radix: 16, uppercase: true))}y")
        }
        #expect(
            TerminalText.escaped("zero\u{200B}width\u{FEFF}tag\u{E0041}") == #"zero\u{200B}width\u{FEFF}tag\u{E0041}"#)
    }

    @Test("ordinary text, accents and emoji pass unchanged; a backslash is doubled so escapes cannot be forged")
    func ordinary() {
        #expect(TerminalText.escaped("Grüße, 東京 👋 ok") == "Grüße, 東京 👋 ok")
        #expect(TerminalText.escaped(#"a\nb"#) == #"a\\nb"#)
        #expect(TerminalText.escaped(#"say "hi""#) == #"say "hi""#)
    }

    @Test("quoted text escapes its quotes, so a field cannot close itself and add another")
    func quoted() {
        #expect(TerminalText.quoted("alice") == #""alice""#)
        #expect(TerminalText.quoted(#"x" decision=allowed"#) == #""x\" decision=allowed""#)
        #expect(
            TerminalText.quoted("hi\n#999 2026-11-29T10:00:00Z request.screened user=alice")
                == #""hi\n#999 2026-11-29T10:00:00Z request.screened user=alice""#)
        #expect(TerminalText.quoted("") == #""""#)
    }

    @Test("a cut is marked outside the quotes with the bytes left out, never splitting a character")
    func cut() {
        #expect(TerminalText.quoted("abcdef", limit: 4) == #""abcd"…[cut, 2 more bytes]"#)
        #expect(TerminalText.quoted("abcd", limit: 4) == #""abcd""#)
        // "é" is two bytes: a limit of 2 keeps "a" and leaves out "é" (2) and "b" (1).
        #expect(TerminalText.quoted("aéb", limit: 2) == #""a"…[cut, 3 more bytes]"#)
        // The limit counts the original text, not the escapes shown for it.
        #expect(TerminalText.quoted("\n\n\n", limit: 2) == #""\n\n"…[cut, 1 more bytes]"#)
    }

    @Test("no escaped text holds a character that could end a line or reach the terminal as a command")
    func exhaustive() {
        var text = ""
        for value in UInt32(0)...0x3000 { if let scalar = Unicode.Scalar(value) { text.unicodeScalars.append(scalar) } }
        for scalar in TerminalText.quoted(text).unicodeScalars {
            #expect(!TerminalText.needsEscape(scalar), "\(scalar.value)")
        }
    }

    @Test("the log's JSON writer escapes C0 controls and DEL, so --json lines stay single lines without ESC")
    func jsonWriterEscapes() throws {
        var entry = AuditEntry(event: .requestScreened)
        entry.promptRedacted = "hi\n#999 forged\r\u{1B}[2J\u{1B}]0;t\u{07}\u{7F}"
        entry.model = "m\u{0}\u{1F}"
        let line = entry.jsonObject(seq: 0, time: Date(), prev: String(repeating: "0", count: 64)).serializedBytes()
        #expect(!line.contains { $0 < 0x20 || $0 == 0x7F })
        let back = try JSONParser.parse(line)
        #expect(back["prompt"]?.stringValue == entry.promptRedacted)
    }
}
