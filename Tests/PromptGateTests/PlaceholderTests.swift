import JSONCore
import Testing

@testable import PromptGate
@testable import Providers
@testable import Screening

@Suite("Placeholders: per-request vault and streaming restore")
struct PlaceholderTests {
    func vault() -> PlaceholderVault {
        var vault = PlaceholderVault()
        #expect(vault.placeholder(for: "maria@example.org", entity: "EMAIL_ADDRESS") == "[EMAIL_ADDRESS_1]")
        #expect(vault.placeholder(for: "212-56-7890", entity: "US_SSN") == "[US_SSN_1]")
        #expect(vault.placeholder(for: "maria@example.org", entity: "EMAIL_ADDRESS") == "[EMAIL_ADDRESS_1]")
        #expect(vault.placeholder(for: "ann@example.org", entity: "EMAIL_ADDRESS") == "[EMAIL_ADDRESS_2]")
        return vault
    }

    @Test("the same value gets the same placeholder; new values count up per type")
    func numbering() {
        let vault = vault()
        #expect(vault.count == 3)
        #expect(vault.value(for: "[EMAIL_ADDRESS_2]") == "ann@example.org")
    }

    @Test("restoring across every possible split of the answer gives the same text")
    func everySplit() {
        let vault = vault()
        let answer = "Dear [EMAIL_ADDRESS_1], your SSN [US_SSN_1] and [EMAIL_ADDRESS_2]; [NOT_A_PLACEHOLDER] [x] ["
        let expected = "Dear maria@example.org, your SSN 212-56-7890 and ann@example.org; [NOT_A_PLACEHOLDER] [x] ["
        let bytes = Array(answer.utf8)
        for a in 0...bytes.count {
            for b in a...bytes.count where b == a || b == bytes.count || (b - a) % 3 == 0 {
                var restorer = PlaceholderRestorer(vault: vault)
                var out = ""
                for piece in [bytes[0..<a], bytes[a..<b], bytes[b...]] {
                    out += restorer.feed(String(decoding: piece, as: UTF8.self))
                }
                out += restorer.finish()
                #expect(out == expected, "split at \(a), \(b)")
            }
        }
    }

    @Test("one character at a time, nothing is held back longer than a placeholder")
    func byteAtATime() {
        let vault = vault()
        var restorer = PlaceholderRestorer(vault: vault)
        var out = ""
        for character in "x [US_SSN_1] y [US_SSN" {
            out += restorer.feed(String(character))
            #expect(restorer.heldBack <= vault.longestPlaceholder)
        }
        out += restorer.finish()
        #expect(out == "x 212-56-7890 y [US_SSN")
    }

    @Test("restored values are never masked again, and other requests' placeholders are not restored")
    func scoping() {
        var first = PlaceholderVault()
        _ = first.placeholder(for: "[US_SSN_2]", entity: "US_SSN")  // a value that looks like a placeholder
        let second = PlaceholderVault()
        #expect(first.restore("[US_SSN_1]") == "[US_SSN_2]")
        #expect(second.restore("[US_SSN_1]") == "[US_SSN_1]")
    }

    @Test("an empty vault passes text through untouched and holds nothing back")
    func emptyVault() {
        var restorer = PlaceholderRestorer(vault: PlaceholderVault())
        #expect(restorer.feed("[EMAIL_ADDRESS_") == "[EMAIL_ADDRESS_")
        #expect(restorer.finish() == "")
    }
}
