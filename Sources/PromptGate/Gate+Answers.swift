import AuditLog
import Screening

extension Gate {
    /// Adds what the answer's screening found to a response entry: findings counted per rule and action, keyed
    /// fingerprints, the answer's decision and a note. Never a value.
    func addAnswerFindings(_ answers: AnswerScreening, to entry: inout AuditEntry) {
        let found = answers.recorded
        guard !found.isEmpty else { return }
        var counts: [String: AuditEntry.FindingCount] = [:]
        var order: [String] = []
        var seen = Set<String>()
        for f in found {
            let key = f.ruleID + "\u{0}" + f.action.rawValue
            if counts[key] == nil { order.append(key) }
            counts[
                key,
                default: AuditEntry.FindingCount(rule: f.ruleID, type: f.entity, action: f.action.rawValue, count: 0)
            ].count += 1
            let print = fingerprinter.fingerprint(f.value, type: f.entity)
            if seen.insert(print).inserted {
                entry.fingerprints.append(AuditEntry.Fingerprint(type: f.entity, hmac: print))
            }
        }
        entry.findings = order.compactMap { counts[$0] }
        entry.packHash = screener.packHash
        entry.decision = policy.decide(found).rawValue
        let summary = order.compactMap { counts[$0] }.map { "\($0.count) \($0.type) (\($0.rule), \($0.action))" }
        entry.note =
            ([entry.note].compactMap { $0 } + [
                "the answer held data the prompt did not: " + summary.joined(separator: ", ")
            ]).joined(separator: " ")
    }

    /// `x-promptgate-warning` values for answer findings the employee should know of (warned or redacted).
    static func answerWarnings(_ found: [Finding]) -> [String] {
        var warned: [String] = []
        var redacted: [String] = []
        for f in found {
            switch f.action {
            case .warn where !warned.contains(f.entity): warned.append(f.entity)
            case .redact where !redacted.contains(f.entity), .block where !redacted.contains(f.entity):
                redacted.append(f.entity)
            default: break
            }
        }
        var warnings: [String] = []
        if !warned.isEmpty {
            warnings.append(
                "The answer contains \(warned.joined(separator: ", ")) that was not in your prompt; this was recorded. Check it before you use it."
            )
        }
        if !redacted.isEmpty {
            warnings.append("PromptGate removed \(redacted.joined(separator: ", ")) from the answer.")
        }
        return warnings
    }
}
