// A runnable example of PromptGate as a library, with no server and no audit log: screen a text with the packs
// built into the binary, show what was found and why, redact it, and restore the placeholders in an "answer".
//
//     swift run screen-text "Please call Maria Gonzalez at (617) 555-0134 about SSN 212-56-7890."
//
// docs/developer.md shows the whole pipeline (Gate: audit log, upstream, governance).
import Foundation
import PromptGate
import Screening

let text =
    CommandLine.arguments.dropFirst().joined(separator: " ").isEmpty
    ? "Please call Maria Gonzalez at (617) 555-0134 about SSN 212-56-7890."
    : CommandLine.arguments.dropFirst().joined(separator: " ")

do {
    let screener = try Screener(packs: try GuidelineLoader.embedded())
    let findings = try screener.scan(text)
    let bytes = Array(text.utf8)
    for finding in findings {
        let value = String(decoding: bytes[finding.start..<finding.end], as: UTF8.self)
        print("\(finding.entity) \(value.debugDescription) — \(finding.action.rawValue): \(finding.reason)")
        print("    \(finding.source.citation)")
    }
    let decision = Policy().decide(findings)
    print("decision: \(decision.rawValue)")
    guard decision != .blocked else {
        print("nothing would be sent")
        exit(0)
    }
    var vault = PlaceholderVault()  // one per request or conversation
    let outgoing = Redactor.redact(text, findings: findings, vault: &vault).text
    print("sent to the model: \(outgoing)")
    let answer = "Draft: " + outgoing  // stands in for the model's answer, which mentions the placeholders
    print("the answer, restored: \(vault.restore(answer))")
} catch {
    print("error: \(error)")
    exit(1)
}
