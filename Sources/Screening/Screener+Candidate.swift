/// A candidate the screener has judged a finding, before overlap resolution: the rule's index, the span and what
/// the verdict rests on. The public ``Finding`` (a dozen fields, five of them strings) and its reason are made only
/// for the candidates resolution keeps.
struct Candidate: OverlapCandidate {
    var rule: Int
    var start: Int
    var end: Int
    var value: String
    var confidence: Double
    /// The reason given by the caller of `judge` (the name recogniser's), or nil for the rule's pattern reason.
    var reason: String?
    var check: CheckOutcome
    /// The context word found near the value, if any.
    var word: String?
    var priority: Int
    /// The rule's place among the rules ordered by id: it orders candidates as their rule ids do.
    var ruleKey: Int

    /// What the rule's validator said.
    enum CheckOutcome {
        /// The rule has no validator.
        case none
        case valid
        /// A graded (phone) check found the value of the length of a number of its region.
        case plausible
        /// The check failed and the rule keeps such values (`when_check_fails: still-personal-data`).
        case failedKept
    }
}

/// What overlap resolution reads of a candidate: its span, its priority and its rule, in an order of its own.
protocol OverlapCandidate {
    associatedtype RuleKey: Comparable
    var start: Int { get }
    var end: Int { get }
    var priority: Int { get }
    /// Orders candidates as their rule ids do.
    var ruleKey: RuleKey { get }
}

extension OverlapCandidate {
    var length: Int { end - start }
}

extension Finding: OverlapCandidate {
    var ruleKey: String { ruleID }
}

extension Screener {
    /// The finding `candidate` is, with its reason written out: the pattern's (or the one given), then what the
    /// check said, then the context word.
    func finding(_ candidate: Candidate) -> Finding {
        let rule = candidate.rule
        var why = candidate.reason ?? reasons[rule].pattern
        switch candidate.check {
        case .none: break
        case .valid: why = candidate.reason.map { $0 + reasons[rule].validated } ?? reasons[rule].patternValidated
        case .plausible: why += ", has the length of a phone number of its region"
        case .failedKept:
            why +=
                ", fails the \(rules[rule].validator ?? "") check but is kept: an invalid-looking number "
                + "in a case file is still somebody's"
        }
        if let word = candidate.word { why += ", near the word '\(word)'" }
        return Finding(
            ruleID: rules[rule].id, entity: rules[rule].entity, category: rules[rule].category,
            action: rules[rule].action, redaction: rules[rule].redaction, start: candidate.start, end: candidate.end,
            value: candidate.value, confidence: candidate.confidence, reason: why, message: rules[rule].message,
            source: rules[rule].source, priority: rules[rule].priority)
    }

    /// For each rule, its place among the rules ordered by id (ids are unique, so the places are too).
    static func ruleKeys(_ rules: [Rule]) -> [Int] {
        var keys = [Int](repeating: 0, count: rules.count)
        for (place, index) in rules.indices.sorted(by: { rules[$0].id < rules[$1].id }).enumerated() {
            keys[index] = place
        }
        return keys
    }
}
