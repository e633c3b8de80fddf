import ArgumentParser
import AuditLog
import Foundation
import JSONCore

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log", abstract: "Read the audit log.", subcommands: [Show.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print audit entries for people, with filters.",
            discussion: "Times compare as RFC 3339 UTC text, so a prefix works: --since 2026-11-29 --until 2026-11-30T12.")

        @OptionGroup var location: LogLocation
        @Option(help: "Only entries at or after this time.") var since: String?
        @Option(help: "Only entries before this time.") var until: String?
        @Option(help: "Only this actor (employee or service).") var user: String?
        @Option(help: "Only this decision: allowed, warned, redacted, blocked.") var decision: String?
        @Option(help: "Only entries with a finding of this rule id.") var rule: String?
        @Option(help: "Only this event, e.g. request.blocked.") var event: String?
        @Flag(help: "Print matching lines as they are (JSON Lines).") var json = false

        func run() throws {
            try auditCommand {
                let reader = LogLeavesPrinter(filter: self)
                try reader.run(paths: try location.paths())
            }
        }

        func matches(_ entry: JSONValue) -> Bool {
            let ts = entry["ts"]?.stringValue ?? ""
            if let since, ts < since { return false }
            if let until, ts >= until { return false }
            if let user, entry["actor"]?.stringValue != user { return false }
            if let decision, entry["decision"]?.stringValue != decision { return false }
            if let event, entry["event"]?.stringValue != event { return false }
            if let rule, !(entry["findings"]?.arrayValue ?? []).contains(where: { $0["rule"]?.stringValue == rule }) {
                return false
            }
            return true
        }
    }
}

/// Streams the log and prints the entries a filter keeps.
struct LogLeavesPrinter {
    let filter: LogCommand.Show

    func run(paths: [String]) throws(AuditLogError) {
        var shown = 0
        try LogLines.forEach(paths: paths) { line, number in
            guard let entry = try? JSONParser.parse(line), filter.matches(entry) else { return }
            shown += 1
            if filter.json {
                print(String(decoding: line, as: UTF8.self))
                return
            }
            let s = { (key: String) in entry[key]?.stringValue ?? "" }
            var text = "#\(number - 1) \(s("ts")) \(s("event"))"
            for (label, key) in [("request", "request_id"), ("user", "actor"), ("dept", "dept"), ("model", "model"), ("decision", "decision")] where !s(key).isEmpty {
                text += " \(label)=\(s(key))"
            }
            if let status = entry["status"]?.intValue { text += " status=\(status)" }
            print(text)
            for finding in entry["findings"]?.arrayValue ?? [] {
                print("    \(finding["rule"]?.stringValue ?? "") \(finding["type"]?.stringValue ?? "") ×\(finding["count"]?.intValue ?? 0) → \(finding["action"]?.stringValue ?? "")")
            }
            if !s("prompt").isEmpty { print("    prompt: \(s("prompt").prefix(300))") }
            if !s("note").isEmpty { print("    note: \(s("note"))") }
        }
        if !filter.json { printError("\(shown) entr\(shown == 1 ? "y" : "ies")") }
    }
}
