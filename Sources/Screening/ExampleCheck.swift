/// A rule's example that did not behave as the rule author wrote it.
public struct ExampleFailure: Sendable, CustomStringConvertible {
    public var ruleID: String
    /// `file:line` of the rule.
    public var location: String
    public var example: String
    /// True for a `match` example that was missed, false for a `no_match` example the rule fired on.
    public var wasMissed: Bool
    /// The rules that fired on the example instead (for a missed one).
    public var foundInstead: [String]

    public var description: String {
        if wasMissed {
            let found = foundInstead.isEmpty ? "nothing" : foundInstead.joined(separator: ", ")
            return
                "\(location): rule '\(ruleID)' does not find its match example \(example.debugDescription) (found: \(found))"
        }
        return "\(location): rule '\(ruleID)' fires on its no_match example \(example.debugDescription)"
    }
}

extension Screener {
    /// Runs every `match` and `no_match` example of the loaded rules (or of the rules in `only`) through the whole
    /// engine — patterns, validators, context, allow-lists and overlap resolution — as `promptgate rules test` and
    /// the test suite do.
    public func checkExamples(only: Set<String>? = nil) throws(ScanFailure) -> (
        checked: Int, failures: [ExampleFailure]
    ) {
        var checked = 0
        var failures: [ExampleFailure] = []
        for rule in rules where only?.contains(rule.id) ?? true {
            for example in rule.examples.match {
                checked += 1
                let found = try scan(example)
                if !found.contains(where: { $0.ruleID == rule.id }) {
                    failures.append(
                        ExampleFailure(
                            ruleID: rule.id, location: rule.location, example: example, wasMissed: true,
                            foundInstead: found.map(\.ruleID)))
                }
            }
            for example in rule.examples.noMatch {
                checked += 1
                if try scan(example).contains(where: { $0.ruleID == rule.id }) {
                    failures.append(
                        ExampleFailure(
                            ruleID: rule.id, location: rule.location, example: example, wasMissed: false,
                            foundInstead: []))
                }
            }
        }
        return (checked, failures)
    }
}
