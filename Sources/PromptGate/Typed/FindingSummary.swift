import Screening

/// One kind of finding in a prompt, as the typed API reports it: what was found, by which rule, why, and the guideline
/// behind it — never the value itself, so a summary can be printed, logged or shown to the employee.
public struct FindingSummary: Sendable, Hashable, CustomStringConvertible {
    /// The entity type, e.g. `EMAIL_ADDRESS`, `US_SSN`, `PERSON`.
    public let entity: String
    /// The rule that found it, e.g. `email-address`.
    public let ruleID: String
    public let category: RuleCategory
    /// What the rule does with it (after department overrides): redact, block, warn, log.
    public let action: RuleAction
    /// Why the value was taken for what it is ("passes the Luhn check, near the word 'card'").
    public let reason: String
    /// The rule's message to the employee.
    public let message: String
    /// The guideline the rule enforces, e.g. "Boston Interim Guidelines for Using Generative AI, §2 (https://…)".
    public let citation: String

    init(_ finding: Finding) {
        entity = finding.entity
        ruleID = finding.ruleID
        category = finding.category
        action = finding.action
        reason = finding.reason
        message = finding.message
        citation = finding.source.citation
    }

    public var description: String { "\(entity) [rule \(ruleID), \(action.rawValue)]: \(reason)" }
}
