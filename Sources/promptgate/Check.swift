import ArgumentParser
import Foundation
import JSONCore
import PromptGate
import Screening

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Screen text and show what PromptGate would find, redact or block.",
        discussion: """
            Reads TEXT, or --file, or standard input. Nothing is sent anywhere and nothing is logged. \
            Offsets are UTF-8 byte offsets into the input.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "The text to screen (else --file, else standard input).")
    var text: String?

    @Option(help: ArgumentHelp("Read the text from this file.", valueName: "path"))
    var file: String?

    @Option(help: "Output format: text (for people) or json (for scripts).")
    var format: Format = .text

    @OptionGroup var guidelines: GuidelineOptions

    func run() throws {
        let input = try readInput()
        let screener: Screener
        do {
            screener = try Screener(packs: try guidelines.load())
        } catch let error as PackError {
            throw CLIError("guideline pack error: \(error)")
        }
        let findings = try screener.scan(input)
        let decision = Policy().decide(findings)
        var vault = PlaceholderVault()
        let redacted = Redactor.redact(input, findings: findings, vault: &vault).text
        switch format {
        case .json: print(json(decision: decision, findings: findings, redacted: redacted).serialized())
        case .text: printText(input: input, decision: decision, findings: findings, redacted: redacted)
        }
    }

    private func readInput() throws -> String {
        let data: Data
        if let text { return text }
        if let file {
            guard let contents = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read \(file)") }
            data = contents
        } else {
            data = FileHandle.standardInput.readDataToEndOfFile()
        }
        // Invalid UTF-8 is screened as its replacement characters rather than refused.
        return String(decoding: data, as: UTF8.self)
    }

    private func json(decision: Decision, findings: [Finding], redacted: String) -> JSONValue {
        .object([
            ("decision", .string(decision.rawValue)),
            ("findings", .array(findings.map { f in
                .object([
                    ("type", .string(f.entity)), ("rule", .string(f.ruleID)), ("start", .int(f.start)),
                    ("end", .int(f.end)), ("action", .string(f.action.rawValue)),
                    ("confidence", .number(String(f.confidence))), ("reason", .string(f.reason)),
                    ("message", .string(f.message)), ("source", .string(f.source.citation)),
                ])
            })),
            ("redacted", .string(redacted)),
        ])
    }

    private func printText(input: String, decision: Decision, findings: [Finding], redacted: String) {
        let color = stdoutIsTerminal
        let bold = color ? "\u{1B}[1m" : "", red = color ? "\u{1B}[31m" : "", reset = color ? "\u{1B}[0m" : ""
        print("\(bold)Decision: \(decision.rawValue)\(reset) (\(findings.count) finding\(findings.count == 1 ? "" : "s"))")
        for f in findings {
            print("  \(red)\(f.entity)\(reset) bytes \(f.start)..<\(f.end)  rule \(f.ruleID)  action \(f.action.rawValue)")
            print("    \(f.message)")
            print("    Source: \(f.source.citation)")
        }
        if !findings.isEmpty {
            print("\(bold)What would be sent:\(reset)")
            print(redacted)
        }
    }
}
