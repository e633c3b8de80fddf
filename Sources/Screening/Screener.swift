/// The rule engine: loaded guideline packs compiled into one pattern database, with validators, context words,
/// allow-lists and overlap resolution deciding what is a finding.
///
/// A `Screener` is immutable and safe to share across tasks; build one per set of packs at start-up.
public final class Screener: Sendable {
    public let packs: [GuidelinePack]
    public let rules: [Rule]
    /// The guideline version in force: a hash over the packs' bytes.
    public let packHash: String
    private let database: PatternDatabase
    /// For each compiled pattern, the index of its rule.
    private let patternRule: [Int]
    private let validators: [Validators.Check?]
    /// For each rule, whether its candidates go to the person-name recogniser.
    private let recognizesNames: [Bool]
    private let names: PersonNameRecognizer

    /// Compiles every pattern of `packs`. A pattern the engine cannot run (backreferences, lookaround, bad syntax)
    /// is refused here, naming its rule and file. `gazetteers` feed the `person-name` recogniser.
    public init(packs: [GuidelinePack], gazetteers: Gazetteers = .embedded) throws(PackError) {
        self.packs = packs
        var rules: [Rule] = []
        var seen: [String: String] = [:]
        for pack in packs {
            for rule in pack.rules {
                if let other = seen[rule.id] {
                    throw PackError(file: rule.location, message: "rule id '\(rule.id)' is also defined at \(other)")
                }
                seen[rule.id] = rule.location
                rules.append(rule)
            }
        }
        var patterns: [(expression: String, caseInsensitive: Bool)] = []
        var patternRule: [Int] = []
        for (index, rule) in rules.enumerated() {
            for pattern in rule.patterns {
                patterns.append((pattern, rule.caseInsensitive))
                patternRule.append(index)
            }
        }
        guard !patterns.isEmpty else { throw PackError(file: "guidelines", message: "no rules to screen with") }
        do {
            database = try PatternDatabase.make(patterns: patterns)
        } catch {
            if let index = error.patternIndex {
                let rule = rules[patternRule[index]]
                throw PackError(
                    file: rule.location,
                    message: "rule '\(rule.id)': pattern \(patterns[index].expression.debugDescription) cannot be "
                        + "compiled for linear-time matching: \(error.message)")
            }
            throw PackError(file: "guidelines", message: error.message)
        }
        self.rules = rules
        self.patternRule = patternRule
        self.validators = rules.map { $0.validator.flatMap(Validators.named) }
        self.recognizesNames = rules.map { $0.validator == "person-name" }
        self.names = PersonNameRecognizer(gazetteers: gazetteers)
        self.packHash = GuidelinePack.combinedHash(packs)
    }

    /// Screens a text. Throws only if the engine itself fails, so callers can fail closed.
    public func scan(_ text: String) throws(ScanFailure) -> [Finding] {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(ScanFailure) in try scan(bytes: UnsafeRawBufferPointer(buffer)) }
        }
        return try result.get()
    }

    /// Screens raw bytes, which need not be valid UTF-8. Offsets are byte offsets into `bytes`.
    public func scan(bytes: UnsafeRawBufferPointer) throws(ScanFailure) -> [Finding] {
        let matches = try database.scan(bytes)
        guard !matches.isEmpty else { return [] }
        var candidates: [Finding] = []
        var checked = Set<Int64>()  // (rule, start, end) already judged
        var runs: [Int64: Int] = [:]  // (rule, start) → longest end, for recognisers
        for match in matches {
            let ruleIndex = patternRule[match.pattern]
            if recognizesNames[ruleIndex] {
                let key = Int64(ruleIndex) << 40 | Int64(match.start)
                runs[key] = max(runs[key] ?? 0, match.end)
                continue
            }
            let key = Int64(ruleIndex) << 48 | Int64(match.start) << 24 ^ Int64(match.end)
            guard checked.insert(key).inserted else { continue }
            if let finding = judge(ruleIndex: ruleIndex, start: match.start, end: match.end, in: bytes) {
                candidates.append(finding)
            }
        }
        for (key, end) in runs {
            let ruleIndex = Int(key >> 40), start = Int(key & (1 << 40 - 1))
            for span in names.names(in: bytes, start: start, end: end) {
                if let finding = judge(ruleIndex: ruleIndex, start: span.start, end: span.end, in: bytes,
                    confidence: span.confidence, reason: span.reason)
                {
                    candidates.append(finding)
                }
            }
        }
        return Self.resolveOverlaps(candidates)
    }

    private func judge(
        ruleIndex: Int, start: Int, end: Int, in bytes: UnsafeRawBufferPointer, confidence: Double = 0.6,
        reason: String? = nil
    ) -> Finding? {
        let rule = rules[ruleIndex]
        let value = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        var confidence = confidence
        var reasons = [reason ?? "matches the \(rule.title.lowercased()) pattern"]
        if let validator = validators[ruleIndex] {
            guard validator(value[...]) else { return nil }
            confidence = 0.95
            reasons.append("passes the \(rule.validator ?? "") check")
        }
        if isAllowed(value, rule: rule) { return nil }
        if let context = rule.context {
            if let word = firstWord(of: context.words, window: context.window, start: start, end: end, in: bytes) {
                confidence = min(1, confidence + 0.3)
                reasons.append("near the word '\(word)'")
            } else if context.required {
                return nil
            } else if firstWord(of: context.negative, window: context.window, start: start, end: end, in: bytes) != nil {
                return nil
            }
        }
        return Finding(
            ruleID: rule.id, entity: rule.entity, category: rule.category, action: rule.action,
            redaction: rule.redaction, start: start, end: end, value: value, confidence: confidence,
            reason: reasons.joined(separator: ", "), message: rule.message, source: rule.source,
            priority: rule.priority)
    }

    private func isAllowed(_ value: String, rule: Rule) -> Bool {
        guard !rule.allow.isEmpty else { return false }
        let digits = value.filter(\.isASCIIDigit)
        for allowed in rule.allow {
            if allowed == value { return true }
            let allowedDigits = allowed.filter(\.isASCIIDigit)
            if !allowedDigits.isEmpty, allowedDigits.count == allowed.filter({ $0.isLetter || $0.isNumber }).count,
                allowedDigits == digits
            {
                return true
            }
        }
        return false
    }

    /// The first of `words` found as a whole word within `window` bytes around the candidate, compared without
    /// case (ASCII).
    private func firstWord(of words: [String], window: Int, start: Int, end: Int, in bytes: UnsafeRawBufferPointer)
        -> String?
    {
        guard !words.isEmpty else { return nil }
        let lower = max(0, start - window)
        let upper = min(bytes.count, end + window)
        let window = bytes[lower..<upper].map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 + 0x20 : $0 }
        for word in words {
            let needle = Array(word.utf8)
            guard !needle.isEmpty, needle.count <= window.count else { continue }
            var i = 0
            while i + needle.count <= window.count {
                if window[i] == needle[0] && Array(window[i..<(i + needle.count)]) == needle {
                    let beforeOK = i == 0 || !isWordByte(window[i - 1])
                    let afterOK = i + needle.count == window.count || !isWordByte(window[i + needle.count])
                    if beforeOK && afterOK { return word }
                }
                i += 1
            }
        }
        return nil
    }

    private func isWordByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == 0x5F || b >= 0x80
    }

    /// Keeps the longest of overlapping findings, then the one of highest priority, then the earliest.
    /// Accepted findings stay sorted by start, so each candidate is checked against its two neighbours only:
    /// O(k log k) for k candidates.
    static func resolveOverlaps(_ candidates: [Finding]) -> [Finding] {
        let ordered = candidates.sorted {
            if $0.length != $1.length { return $0.length > $1.length }
            if $0.priority != $1.priority { return $0.priority > $1.priority }
            if $0.start != $1.start { return $0.start < $1.start }
            return $0.ruleID < $1.ruleID
        }
        var kept: [Finding] = []
        for finding in ordered {
            // First kept finding that starts at or after this one.
            var low = 0, high = kept.count
            while low < high {
                let mid = (low + high) / 2
                if kept[mid].start < finding.start { low = mid + 1 } else { high = mid }
            }
            if low < kept.count && kept[low].start < finding.end { continue }
            if low > 0 && kept[low - 1].end > finding.start { continue }
            kept.insert(finding, at: low)
        }
        return kept
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
