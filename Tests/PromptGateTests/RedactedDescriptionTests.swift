import Foundation
import Testing

@testable import PromptGate
@testable import Screening

/// Printing what the library hands back never writes a resident's value.
@Suite("Library: findings, vaults and results print and dump without values")
struct RedactedDescriptionTests {
    static let values = ["maria.gonzalez@example.org", "212-56-7890"]

    /// Everything a developer might write to a log: print, debugPrint, dump, interpolation.
    static func renderings(_ value: Any) -> [String] {
        var dumped = ""
        dump(value, to: &dumped)
        var printed = ""
        print(value, to: &printed)
        var debugPrinted = ""
        debugPrint(value, to: &debugPrinted)
        return [String(describing: value), String(reflecting: value), "\(value)", dumped, printed, debugPrinted]
    }

    @Test("a finding, a vault and a screening result show what they are about, never the values")
    func noValues() async throws {
        try await GovernanceTests.withGate {
            $0.policies = nil
        } run: { gate, _, _ in
            let result = try gate.screen("Write to \(Self.values[0]), SSN \(Self.values[1]).")
            #expect(result.findings.count == 2)
            let things: [Any] = [result, result.findings, result.findings[0].finding, result.vault]
            for thing in things {
                for text in Self.renderings(thing) {
                    for value in Self.values { #expect(!text.contains(value), "\(type(of: thing)) printed \(value)") }
                }
            }
            #expect(
                String(describing: result).contains("EMAIL_ADDRESS") && String(describing: result).contains("US_SSN"))
            #expect(String(describing: result.vault) == "PlaceholderVault(2 placeholders)")
        }
    }
}
