import ArgumentParser
import Foundation
import JSONCore
import PromptGate
import Screening

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Screen text and show what PromptGate would find, redact or block.",
        discussion: """
            Reads TEXT, or --file, or standard input. Nothing is sent anywhere and nothing is logged. \
            Offsets are UTF-8 byte offsets into the input.

            With --batch the input is JSON Lines, one {"id": …, "text": …} per line, and the output is one line per \
            input: {"id": …, "decision": …, "findings": [{"type", "rule", "start", "end", "action"}]} — so a \
            labelled corpus can be scored. A line that is not such an object gets {"id": …, "error": …} and the \
            rest go on. Lines are screened on every core (--jobs) and written in the input's order.
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

    @Flag(help: "Read JSON Lines {\"id\", \"text\"} and write one JSON line of findings per input.")
    var batch = false

    @Option(
        help: ArgumentHelp(
            "With --batch, screen this many pieces of the input at once (default: one per processor core).",
            valueName: "n"))
    var jobs: Int?

    @OptionGroup var guidelines: GuidelineOptions

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if jobs != nil, !batch { throw ValidationError("--jobs applies to --batch only") }
    }

    func run() throws {
        let screener: Screener
        do {
            screener = try Screener(packs: try guidelines.load())
        } catch let error as PackError {
            throw CLIError("guideline pack error: \(error)")
        }
        if batch { return try runBatch(screener) }
        let input = try readInput()
        let findings = try screener.scan(input)
        let decision = Policy().decide(findings)
        var vault = PlaceholderVault()
        let redacted = Redactor.redact(input, findings: findings, vault: &vault).text
        switch format {
        case .json: print(json(decision: decision, findings: findings, redacted: redacted).serialized())
        case .text: printText(input: input, decision: decision, findings: findings, redacted: redacted)
        }
    }

    /// Screens each JSON line of the input and writes one JSON line per input line, in order (``BatchScreening``).
    private func runBatch(_ screener: Screener) throws {
        let data = try readData()
        let batch = BatchScreening(screener: screener, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        data.withUnsafeBytes { raw in
            batch.run(raw.bindMemory(to: UInt8.self)) { piece in
                if !piece.isEmpty { FileHandle.standardOutput.write(Data(piece)) }
            }
        }
    }

    private func readInput() throws -> String {
        if let text { return text }
        // Invalid UTF-8 is screened as its replacement characters rather than refused.
        return String(decoding: try readData(), as: UTF8.self)
    }

    /// The bytes of --file, else of standard input.
    private func readData() throws -> Data {
        if let file {
            guard let contents = FileManager.default.contents(atPath: file) else {
                throw CLIError("cannot read \(file)")
            }
            return contents
        }
        return FileHandle.standardInput.readDataToEndOfFile()
    }

    private func json(decision: Decision, findings: [Finding], redacted: String) -> JSONValue {
        .object([
            ("decision", .string(decision.rawValue)),
            (
                "findings",
                .array(
                    findings.map { f in
                        .object([
                            ("type", .string(f.entity)), ("rule", .string(f.ruleID)), ("start", .int(f.start)),
                            ("end", .int(f.end)), ("action", .string(f.action.rawValue)),
                            ("confidence", .number(String(f.confidence))), ("reason", .string(f.reason)),
                            ("message", .string(f.message)), ("source", .string(f.source.citation)),
                        ])
                    })
            ),
            ("redacted", .string(redacted)),
        ])
    }

    private func printText(input: String, decision: Decision, findings: [Finding], redacted: String) {
        let color = stdoutIsTerminal
        let bold = color ? "\u{1B}[1m" : ""
        let red = color ? "\u{1B}[31m" : ""
        let reset = color ? "\u{1B}[0m" : ""
        print(
            "\(bold)Decision: \(decision.rawValue)\(reset) (\(findings.count) finding\(findings.count == 1 ? "" : "s"))"
        )
        guard !findings.isEmpty else { return }
        print()
        print(Self.highlight(input, findings: findings, color: color))
        print()
        for (number, f) in findings.enumerated() {
            print(
                "  [\(number + 1)] \(red)\(f.entity)\(reset) bytes \(f.start)..<\(f.end)  rule \(f.ruleID)  action \(f.action.rawValue)  confidence \(f.confidence)"
            )
            print("      Why: \(f.reason)")
            print("      \(f.message.trimmingCharacters(in: .whitespacesAndNewlines))")
            print("      Source: \(f.source.citation)")
        }
        if decision == .blocked {
            print("\(bold)Nothing would be sent:\(reset) the prompt is blocked.")
        } else {
            print("\(bold)What would be sent:\(reset)")
            print(redacted)
        }
    }

    /// The text with each finding marked: coloured on a terminal (red for block, yellow for redact, cyan for warn
    /// and log), bracketed with its number otherwise.
    static func highlight(_ text: String, findings: [Finding], color: Bool) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var cursor = 0
        for (number, f) in findings.enumerated().sorted(by: { $0.element.start < $1.element.start })
        where f.start >= cursor && f.end <= bytes.count {
            out += bytes[cursor..<f.start]
            let value = bytes[f.start..<f.end]
            if color {
                let code = f.action == .block ? "41;97" : f.action == .redact ? "43;30" : "46;30"
                out += Array("\u{1B}[\(code)m".utf8) + value + Array("\u{1B}[0m\u{1B}[2m[\(number + 1)]\u{1B}[0m".utf8)
            } else {
                out += Array("[".utf8) + value + Array("][\(number + 1)]".utf8)
            }
            cursor = f.end
        }
        out += bytes[cursor...]
        return String(decoding: out, as: UTF8.self)
    }
}
