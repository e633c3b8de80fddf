/// What a rule does when it finds something.
public enum RuleAction: String, Sendable, Codable, CaseIterable, Comparable {
    /// Record the finding only.
    case log
    /// Let the prompt through, record it, and tell the employee.
    case warn
    /// Replace the value by a placeholder before the prompt leaves; restore it in the answer.
    case redact
    /// Stop the prompt: it never leaves.
    case block

    var severity: Int {
        switch self {
        case .log: return 0
        case .warn: return 1
        case .redact: return 2
        case .block: return 3
        }
    }

    public static func < (lhs: RuleAction, rhs: RuleAction) -> Bool { lhs.severity < rhs.severity }
}

/// The kind of material a rule protects, as the city guidelines group it.
public enum RuleCategory: String, Sendable, Codable, CaseIterable {
    case personalData = "personal-data"
    case credentials
    case confidential
    case specialCategory = "special-category"
    case prohibitedUse = "prohibited-use"
}

/// The guideline a rule enforces: shown to the employee and recorded for auditors.
public struct RuleSource: Sendable, Hashable, Codable {
    public var title: String
    public var url: String
    public var clause: String?

    public init(title: String, url: String, clause: String? = nil) {
        self.title = title
        self.url = url
        self.clause = clause
    }

    /// "Boston Interim Guidelines for Using Generative AI, §2 (https://…)".
    public var citation: String {
        var text = title
        if let clause { text += ", \(clause)" }
        return "\(text) (\(url))"
    }
}

/// How a redacted value is replaced in the text that leaves.
public enum RedactionStyle: String, Sendable, Codable, CaseIterable {
    /// A typed, numbered placeholder (`[EMAIL_ADDRESS_1]`), restored in the answer.
    case placeholder
    /// Every letter and digit but the last four replaced by `*` (`***-**-6789`); not restored.
    case mask
    /// A keyed pseudonym (`[EMAIL_ADDRESS_3F9A1C2B5D6E7F80]`, HMAC-SHA-256 with the vault's secret key): the same value gets
    /// the same pseudonym in every request, so answers can be correlated without the value; restored in the answer.
    case pseudonym
    /// The value is dropped from the text; not restored.
    case remove
}

/// Words near a candidate that make it a finding (`required`) or that raise its confidence, and words that lower
/// it (`negative`: "order", "invoice", "version"), in the languages the city writes in.
public struct ContextRule: Sendable, Hashable, Codable {
    /// Words that raise confidence (or are required).
    public var words: [String]
    /// Words that, found in the window before the candidate without any of `words` around it, make the candidate
    /// a look-alike rather than a finding ("order 617-555-0134").
    public var negative: [String]
    /// How many bytes before and after the candidate are searched.
    public var window: Int
    /// When true, a candidate without a context word nearby is not a finding.
    public var required: Bool
}

/// What a rule makes of a candidate its validator says no to (`when_check_fails:` in a pack).
public enum FailedCheck: String, Sendable, Codable, CaseIterable {
    /// The candidate is not this kind of identifier: it is no finding (a shorter candidate may still be). The default.
    case notThisType = "not-this-type"
    /// The candidate is still a finding, with lower confidence and the same action: a number shaped like an SSN that
    /// fails the SSN check is a typo, a made-up test value or a number the check does not know, and in a case file
    /// it is still somebody's.
    case stillPersonalData = "still-personal-data"
}

/// Text a rule's patterns must find, and text they must not.
public struct RuleExamples: Sendable, Hashable, Codable {
    public var match: [String]
    public var noMatch: [String]
}

/// One rule of a guideline pack.
public struct Rule: Sendable, Hashable, Codable {
    public var id: String
    public var title: String
    public var category: RuleCategory
    /// The entity type, in Presidio's names where one exists (`EMAIL_ADDRESS`, `US_SSN`, …).
    public var entity: String
    /// Hyperscan-compatible patterns (no backreferences or lookaround: they cannot run in linear time).
    public var patterns: [String]
    public var caseInsensitive: Bool
    /// Literals one of which every match holds, compared ASCII-case-insensitively (gitleaks' `keywords`). Where the
    /// patterns' syntax proves that every match holds one of them, the patterns are scanned only near them; a
    /// keyword the syntax does not prove required changes nothing. Empty: none given.
    public var keywords: [String] = []
    /// The name of a check-digit or range validator run on each candidate.
    public var validator: String?
    /// What a candidate that fails the validator is: not this type (dropped), or still personal data (kept).
    public var whenCheckFails: FailedCheck = .notThisType
    public var context: ContextRule?
    /// Values that are never findings (the city's own published numbers, 311, 911, …).
    public var allow: [String]
    public var action: RuleAction
    /// How `redact` replaces the value.
    public var redaction: RedactionStyle
    /// Wins over other rules when two findings of the same length overlap.
    public var priority: Int
    /// The plain-language message the employee sees.
    public var message: String
    public var source: RuleSource
    public var examples: RuleExamples
    /// Where the rule is defined, for error messages: `file:line`.
    public var location: String
}
