import Foundation

/// The `promptgate log show` command that prints exactly the entries behind one number of a report.
struct LogFilter: Equatable {
    var since: String?
    var until: String?
    var prompts = true
    var department: String?
    var decision: String?
    var rule: String?
    var system: String?
    var model: String?
    var purpose: String?
    var event: String?

    /// The command line, every value shell-quoted: `promptgate log show --since 2026-12-01 --prompts --decision
    /// blocked`.
    var command: String {
        var parts = ["promptgate", "log", "show"]
        func add(_ flag: String, _ value: String?) {
            if let value { parts += ["--" + flag, Self.quoted(value)] }
        }
        add("since", since)
        add("until", until)
        if prompts { parts.append("--prompts") }
        add("event", event)
        add("department", department)
        add("decision", decision)
        add("rule", rule)
        add("system", system)
        add("model", model)
        add("purpose", purpose)
        return parts.joined(separator: " ")
    }

    /// A shell word: as is when it holds only safe characters, else in single quotes.
    static func quoted(_ value: String) -> String {
        let safe =
            !value.isEmpty
            && value.unicodeScalars.allSatisfy { c in
                switch c {
                case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-", "@", ":", "/", "+", "=": true
                default: false
                }
            }
        return safe ? value : "'" + value.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
