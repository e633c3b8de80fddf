import ArgumentParser
import AuditLog
import Foundation
import JSONCore
import PromptGate

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "Read the audit log.", subcommands: [Show.self, Export.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Print audit entries for people, with filters.",
            discussion: """
                Times compare as RFC 3339 UTC text, so a prefix works: --since 2026-11-29 --until 2026-11-30T12. \
                Text that employees and their tools chose (user, dept, model, prompt, note) is shown in double quotes; \
                line breaks, control and invisible characters in any field are shown as escapes (\\n, \\u{1B}), and a \
                prompt cut for display ends with …[cut, N more bytes]. --json prints the stored lines unchanged.
                """)

        @OptionGroup var location: LogLocation
        @Option(help: "Only entries at or after this time.") var since: String?
        @Option(help: "Only entries before this time.") var until: String?
        @Option(help: "Only this actor (employee or service).") var user: String?
        @Option(help: "Only this decision: allowed, warned, redacted, blocked.") var decision: String?
        @Option(help: "Only entries with a finding of this rule id.") var rule: String?
        @Option(help: "Only this event, e.g. request.blocked.") var event: String?
        @Flag(help: "Only prompts: request entries (request.screened, request.blocked), one per request.")
        var prompts = false
        @Option(help: "Only this department ('' for entries without one).") var department: String?
        @Option(help: "Only this registered system id ('' for entries that name none).") var system: String?
        @Option(help: "Only this model, as recorded ('' for entries without one).") var model: String?
        @Option(help: "Only this declared purpose, e.g. benefits-eligibility.") var purpose: String?
        @Flag(help: "Print matching lines as they are (JSON Lines).") var json = false
        @Flag(
            help: ArgumentHelp(
                "With --json: print each sealed text opened (or {\"erased\":…} when retention destroyed its key).",
                discussion: "The lines printed are then not the signed bytes: a proof needs the stored line."))
        var decrypt = false

        func run() throws {
            try auditCommand {
                let source = try location.source()
                defer { source.close() }
                let printer = LogLeavesPrinter(filter: self, ring: try location.retentionRing())
                try printer.run(lines: try source.lineReader())
            }
        }

        /// The filter these options give; `promptgate disclose` selects with the same one (`EntryFilter`).
        var filter: EntryFilter {
            EntryFilter(since: since, until: until, user: user, decision: decision, rule: rule, event: event)
        }

        func matches(_ entry: JSONValue) -> Bool { filter.matches(entry) && matchesReportFilters(entry) }

        /// The filters a report's numbers name (`promptgate report`): prompts only, department, system, model, purpose.
        func matchesReportFilters(_ entry: JSONValue) -> Bool {
            let name = entry["event"]?.stringValue
            if prompts, name != "request.screened", name != "request.blocked" { return false }
            for (wanted, key) in [(department, "dept"), (system, "system"), (model, "model"), (purpose, "purpose")] {
                if let wanted, (entry[key]?.stringValue ?? "") != wanted { return false }
            }
            return true
        }
    }
}

/// Streams the log and prints the entries a filter keeps.
struct LogLeavesPrinter {
    let filter: LogCommand.Show
    /// The keys that open sealed texts.
    var ring = KeyRing()

    /// Prints the entries among `lines` (a ``LogSource``'s: segment files or a PostgreSQL log) that the filter keeps.
    func run(lines: any LogLineSource) throws(AuditLogError) {
        var shown = 0
        try LogLines.forEach(reader: lines) { line, number in
            guard let entry = try? JSONParser.parse(line), filter.matches(entry) else { return }
            shown += 1
            if filter.json {
                print(
                    filter.decrypt
                        ? SealedText.openedLine(entry, ring: ring).serialized() : String(decoding: line, as: UTF8.self))
                return
            }
            print(Self.describe(entry, number: number - 1, ring: ring))
        }
        if !filter.json { printError("\(shown) entr\(shown == 1 ? "y" : "ies")") }
    }

    /// Free text from employees and clients is quoted; everything from the log is escaped (``TerminalText``), so no
    /// field can end the line, forge another entry or send the auditor's terminal a command.
    static func describe(_ entry: JSONValue, number: Int, ring: KeyRing = KeyRing()) -> String {
        let s = { (key: String) in entry[key]?.stringValue ?? "" }
        let e = TerminalText.escaped
        var text = "#\(number) \(e(s("ts"))) \(e(s("event")))"
        for (label, key, quoted) in [
            ("request", "request_id", false), ("user", "actor", true), ("dept", "dept", true), ("model", "model", true),
            ("decision", "decision", false),
        ] where !s(key).isEmpty {
            text += " \(label)=\(quoted ? TerminalText.quoted(s(key)) : e(s(key)))"
        }
        if let status = entry["status"]?.intValue { text += " status=\(status)" }
        for finding in entry["findings"]?.arrayValue ?? [] {
            let f = { (key: String) in e(finding[key]?.stringValue ?? "") }
            text += "\n    \(f("rule")) \(f("type")) ×\(finding["count"]?.intValue ?? 0) → \(f("action"))"
        }
        for (label, key) in [("prompt", "prompt"), ("answer", "response")] {
            guard let value = entry[key], value.stringValue?.isEmpty != true else { continue }
            switch SealedText.open(value, field: key, seq: entry["seq"]?.intValue ?? -1, ring: ring) {
            case .plain(let shown), .opened(let shown):
                text += "\n    \(label): \(TerminalText.quoted(shown, limit: 300))"
            case let other:
                text += "\n    \(label): \(e(other.display))"
            }
        }
        if !s("note").isEmpty { text += "\n    note: \(TerminalText.quoted(s("note")))" }
        return text
    }
}
