/// Something a rule found in a text.
///
/// `value` is the raw text found: it may be a resident's personal data. It exists so the redactor can replace it
/// and fingerprints can be computed; it must never be logged or written to the audit log.
public struct Finding: Sendable, Hashable {
    public var ruleID: String
    public var entity: String
    public var category: RuleCategory
    public var action: RuleAction
    /// How a `redact` finding is replaced.
    public var redaction: RedactionStyle
    /// UTF-8 byte offsets in the scanned text, `start..<end`.
    public var start: Int
    public var end: Int
    public var value: String
    /// 0…1: how sure the engine is (validators and context raise it).
    public var confidence: Double
    /// Why it is a finding: pattern, validator, context word.
    public var reason: String
    /// The message for the employee and the guideline it cites.
    public var message: String
    public var source: RuleSource
    /// Wins ties in overlap resolution.
    public var priority: Int

    public var length: Int { end - start }
}
